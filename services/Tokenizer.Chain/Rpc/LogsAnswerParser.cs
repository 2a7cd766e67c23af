using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Rpc;

/// <summary>
/// Parses an <c>eth_getLogs</c> answer (<c>{"jsonrpc", "id", "result": [log, …]}</c> or <c>{…, "error": {…}}</c>) as
/// its bytes arrive: <see cref="Feed"/> takes whatever has been read so far, returns the logs of every complete log
/// object in it and how many bytes it used; the caller keeps the rest, reads more after it and feeds again. Nothing
/// of the answer is held beyond one log object and no document is built, so a range's logs can be used (decoded,
/// stored) while the rest of the answer is still being read, and memory stays the size of the read buffer.
/// </summary>
internal sealed class LogsAnswerParser(string method)
{
    private enum Phase { Start, Envelope, Result, Done }

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };
    private JsonReaderState _state = new(ReaderOptions);
    private Phase _phase;
    private bool _sawResult;

    /// <summary>True once the answer's closing brace has been read.</summary>
    public bool IsDone => _phase == Phase.Done;

    /// <summary>
    /// Parses the complete parts of <paramref name="buffer"/> (the unused rest of the previous feed followed by the
    /// bytes read since) into <paramref name="logs"/>. Returns the number of bytes used; the caller passes the rest
    /// again, with more after it. <paramref name="isFinal"/>: the answer has no more bytes. Throws
    /// <see cref="RpcException"/> for the node's error and <see cref="RpcTransportException"/> for an answer that is
    /// not a JSON-RPC answer to this method.
    /// </summary>
    public int Feed(ReadOnlySpan<byte> buffer, bool isFinal, List<LogEntry> logs)
    {
        // Never a final block to the reader: a cut-off answer then stops at its last whole unit instead of throwing
        // in the middle of it, and is reported as cut off below. The answer is an object, so nothing in it needs
        // the end of the input to be complete.
        var reader = new Utf8JsonReader(buffer, isFinalBlock: false, _state);
        try
        {
            while (_phase != Phase.Done)
            {
                // Each step reads one whole unit (a log object, a property with its value) or nothing: an incomplete
                // unit is read again from its start, with more bytes, at the next feed.
                var state = reader.CurrentState;
                var start = (int)reader.BytesConsumed;
                if (!Step(ref reader, logs))
                {
                    if (isFinal)
                    {
                        throw new RpcTransportException(method, "The node's answer ended before it was complete.");
                    }
                    _state = state;
                    return start;
                }
            }
            return (int)reader.BytesConsumed;
        }
        catch (JsonException e)
        {
            throw new RpcTransportException(method, "The node's answer is not valid JSON.", e);
        }
        catch (FormatException e)
        {
            throw new RpcTransportException(method, $"The node's answer has a malformed log: {e.Message}", e);
        }
    }

    private bool Step(ref Utf8JsonReader reader, List<LogEntry> logs)
    {
        if (!reader.Read())
        {
            return false;
        }
        switch (_phase)
        {
            case Phase.Start:
                _phase = reader.TokenType == JsonTokenType.StartObject
                    ? Phase.Envelope
                    : throw new RpcTransportException(method, "The node's answer is not a JSON-RPC object.");
                return true;

            case Phase.Envelope when reader.TokenType == JsonTokenType.EndObject:
                _phase = _sawResult ? Phase.Done : throw new RpcTransportException(method, "The node's answer has neither a result nor an error.");
                return true;

            case Phase.Envelope when reader.ValueTextEquals("result"u8):
                if (!reader.Read())
                {
                    return false;
                }
                _sawResult = true;
                _phase = reader.TokenType switch
                {
                    JsonTokenType.StartArray => Phase.Result,
                    JsonTokenType.Null => Phase.Envelope,
                    _ => throw new RpcTransportException(method, "The node's result is not a list of logs."),
                };
                return true;

            case Phase.Envelope when reader.ValueTextEquals("error"u8):
            {
                if (!reader.Read())
                {
                    return false;
                }
                var value = reader;
                if (!reader.TrySkip())
                {
                    return false;
                }
                using var error = JsonDocument.ParseValue(ref value);
                if (error.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return true; // "error": null beside a result
                }
                throw RpcException.FromJson(method, error.RootElement);
            }

            case Phase.Envelope:
                return reader.Read() && reader.TrySkip(); // jsonrpc, id, anything else

            case Phase.Result when reader.TokenType == JsonTokenType.EndArray:
                _phase = Phase.Envelope;
                return true;

            case Phase.Result when reader.TokenType == JsonTokenType.StartObject:
            {
                var log = reader;
                if (!reader.TrySkip())
                {
                    return false;
                }
                logs.Add(ReadLog(ref log));
                return true;
            }

            default:
                throw new RpcTransportException(method, $"Unexpected {reader.TokenType} in the node's answer.");
        }
    }

    /// <summary>One log object, known to be complete in the buffer; the reader is at its opening brace.</summary>
    private static LogEntry ReadLog(ref Utf8JsonReader reader)
    {
        Address? address = null;
        Hash32[]? topics = null;
        byte[]? data = null;
        ulong? blockNumber = null, transactionIndex = null, logIndex = null;
        Hash32? blockHash = null, transactionHash = null;
        var removed = false;
        Span<char> nameBuffer = stackalloc char[32];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Longer names are none of ours: they are skipped like any unknown field (blockTimestamp, …).
            var name = reader.ValueSpan.Length <= nameBuffer.Length ? nameBuffer[..reader.CopyString(nameBuffer)] : default;
            reader.Read();
            switch (name)
            {
                case "address":
                    address = ReadAddress(ref reader);
                    break;
                case "topics":
                    topics = ReadTopics(ref reader);
                    break;
                case "data":
                    data = ReadData(ref reader);
                    break;
                case "blockNumber":
                    blockNumber = ReadQuantity(ref reader);
                    break;
                case "blockHash":
                    blockHash = ReadHash(ref reader);
                    break;
                case "transactionHash":
                    transactionHash = ReadHash(ref reader);
                    break;
                case "transactionIndex":
                    transactionIndex = ReadQuantity(ref reader);
                    break;
                case "logIndex":
                    logIndex = ReadQuantity(ref reader);
                    break;
                case "removed":
                    removed = reader.TokenType == JsonTokenType.True;
                    break;
                default:
                    reader.TrySkip(); // complete: the whole object is in the buffer
                    break;
            }
        }
        return new LogEntry(
            address ?? throw new FormatException("A log has no address."),
            topics ?? throw new FormatException("A log has no topics."),
            data ?? throw new FormatException("A log has no data."),
            blockNumber, blockHash, transactionHash, transactionIndex, logIndex, removed);
    }

    private static Address ReadAddress(ref Utf8JsonReader reader)
    {
        Span<char> text = stackalloc char[42];
        var length = CopyShortString(ref reader, text, "address");
        return Address.TryParse(text[..length], out var address, out var error) ? address : throw new FormatException(error);
    }

    private static Hash32? ReadHash(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Span<char> text = stackalloc char[66];
        var length = CopyShortString(ref reader, text, "hash");
        var bytes = new byte[Hash32.Length];
        Hex.DecodeInto(text[..length], bytes);
        return Hash32.Wrap(bytes);
    }

    private static Hash32[] ReadTopics(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("A log's topics are not a list.");
        }
        var topics = new List<Hash32>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            topics.Add(ReadHash(ref reader) ?? throw new FormatException("A log has a null topic."));
        }
        return [.. topics];
    }

    private static ulong? ReadQuantity(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        Span<char> text = stackalloc char[20];
        var digits = Hex.StripPrefix(text[..CopyShortString(ref reader, text, "quantity")]);
        return digits.Length > 0 && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException("A log has a malformed quantity.");
    }

    private static byte[] ReadData(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException("A log's data is not a string.");
        }
        var length = reader.ValueSpan.Length; // the escaped length bounds the unescaped one
        var rented = length > 512 ? ArrayPool<char>.Shared.Rent(length) : null;
        try
        {
            Span<char> text = rented ?? stackalloc char[512];
            var digits = Hex.StripPrefix(text[..reader.CopyString(text)]);
            if ((digits.Length & 1) != 0)
            {
                throw new FormatException("A log's data has an odd number of hex digits.");
            }
            var bytes = new byte[digits.Length / 2];
            if (Convert.FromHexString(digits, bytes, out _, out _) != OperationStatus.Done)
            {
                throw new FormatException("A log's data has a character that is not a hex digit.");
            }
            return bytes;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static int CopyShortString(ref Utf8JsonReader reader, scoped Span<char> destination, string what)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException($"A log's {what} is not a string.");
        }
        if (reader.ValueIsEscaped)
        {
            var text = reader.GetString()!;
            return text.Length <= destination.Length && text.TryCopyTo(destination) ? text.Length : throw new FormatException($"A log's {what} is too long.");
        }
        return reader.ValueSpan.Length <= destination.Length ? reader.CopyString(destination) : throw new FormatException($"A log's {what} is too long.");
    }
}
