using System.Numerics;

namespace Tokenizer.Chain.Serialization;

/// <summary>
/// Recursive Length Prefix encoding. Decoding is strict: single bytes below 0x80 must be encoded as themselves,
/// the long forms are only allowed for payloads of 56 bytes or more, lengths have no leading zeros, and
/// the input must be consumed exactly.
/// </summary>
public static class Rlp
{
    /// <summary>Encodes a byte string.</summary>
    public static byte[] EncodeBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80)
        {
            return [bytes[0]];
        }

        var output = new byte[PrefixLength(bytes.Length) + bytes.Length];
        var offset = WritePrefix(output, 0x80, bytes.Length);
        bytes.CopyTo(output.AsSpan(offset));
        return output;
    }

    /// <summary>Encodes a canonical unsigned integer.</summary>
    public static byte[] EncodeInteger(BigInteger value) => EncodeBytes(IntegerBytes(value));

    /// <summary>Encodes a canonical unsigned integer.</summary>
    public static byte[] EncodeInteger(ulong value)
    {
        if (value == 0)
        {
            return [0x80];
        }

        if (value < 0x80)
        {
            return [(byte)value];
        }

        Span<byte> buffer = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        return EncodeBytes(buffer[(System.Numerics.BitOperations.LeadingZeroCount(value) / 8)..]);
    }

    /// <summary>Wraps already-encoded items into a list.</summary>
    public static byte[] EncodeList(params byte[][] encodedItems) => EncodeList((IReadOnlyList<byte[]>)encodedItems);

    /// <summary>Wraps already-encoded items into a list.</summary>
    public static byte[] EncodeList(IReadOnlyList<byte[]> encodedItems)
    {
        var payload = 0;
        foreach (var item in encodedItems)
        {
            payload += item.Length;
        }

        var output = new byte[PrefixLength(payload) + payload];
        var offset = WritePrefix(output, 0xc0, payload);
        foreach (var item in encodedItems)
        {
            item.CopyTo(output, offset);
            offset += item.Length;
        }
        return output;
    }

    /// <summary>Encodes an item tree.</summary>
    public static byte[] Encode(RlpItem item) =>
        item.IsList ? EncodeList(item.Items.Select(Encode).ToArray()) : EncodeBytes(item.Bytes);

    /// <summary>The canonical big-endian bytes of a non-negative integer (zero is empty).</summary>
    public static byte[] IntegerBytes(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "RLP integers are unsigned.");
        }

        return value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Decodes exactly one item spanning the whole input.</summary>
    public static RlpItem Decode(ReadOnlySpan<byte> input)
    {
        var position = 0;
        var item = DecodeItem(input, ref position, depth: 0);
        if (position != input.Length)
        {
            throw new RlpException("Trailing bytes after the RLP item.");
        }

        return item;
    }

    private const int MaxDepth = 64;

    private static RlpItem DecodeItem(ReadOnlySpan<byte> input, ref int position, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new RlpException("RLP nesting is too deep.");
        }

        if (position >= input.Length)
        {
            throw new RlpException("Unexpected end of RLP input.");
        }

        var prefix = input[position];
        if (prefix < 0x80)
        {
            position++;
            return RlpItem.StringNoCopy([prefix]);
        }
        var isList = prefix >= 0xc0;
        var shortBase = isList ? 0xc0 : 0x80;
        int length;
        if (prefix <= shortBase + 55)
        {
            length = prefix - shortBase;
            position++;
        }
        else
        {
            var lengthOfLength = prefix - shortBase - 55;
            position++;
            if (lengthOfLength > 4)
            {
                throw new RlpException("RLP length is too large.");
            }

            if (position + lengthOfLength > input.Length)
            {
                throw new RlpException("Unexpected end of RLP input.");
            }

            if (input[position] == 0)
            {
                throw new RlpException("Non-canonical RLP: length has a leading zero.");
            }

            long l = 0;
            for (var i = 0; i < lengthOfLength; i++)
            {
                l = (l << 8) | input[position + i];
            }

            if (l < 56)
            {
                throw new RlpException("Non-canonical RLP: long form used for a short payload.");
            }

            if (l > int.MaxValue)
            {
                throw new RlpException("RLP length is too large.");
            }

            length = (int)l;
            position += lengthOfLength;
        }
        if (length > input.Length - position)
        {
            throw new RlpException("RLP length runs past the end of the input.");
        }

        var payload = input.Slice(position, length);
        position += length;
        if (!isList)
        {
            if (length == 1 && payload[0] < 0x80)
            {
                throw new RlpException("Non-canonical RLP: single byte below 0x80 must not be prefixed.");
            }

            return RlpItem.StringNoCopy(payload.ToArray());
        }
        var items = new List<RlpItem>();
        var inner = 0;
        while (inner < payload.Length)
        {
            items.Add(DecodeItem(payload, ref inner, depth + 1));
        }

        return RlpItem.List(items);
    }

    private static int PrefixLength(int payloadLength) =>
        payloadLength < 56 ? 1 : 1 + ByteCount(payloadLength);

    private static int ByteCount(int value) => value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;

    private static int WritePrefix(Span<byte> output, int shortBase, int payloadLength)
    {
        if (payloadLength < 56)
        {
            output[0] = (byte)(shortBase + payloadLength);
            return 1;
        }
        var n = ByteCount(payloadLength);
        output[0] = (byte)(shortBase + 55 + n);
        for (var i = 0; i < n; i++)
        {
            output[n - i] = (byte)(payloadLength >> (8 * i));
        }

        return 1 + n;
    }
}
