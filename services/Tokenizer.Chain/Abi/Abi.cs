using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Chain.Abi;

/// <summary>
/// Solidity ABI encoding and strict decoding. Values: <see cref="BigInteger"/> for (u)intN (other integer
/// primitives are accepted when encoding), <see cref="Primitives.Address"/>, <see cref="bool"/>, <c>byte[]</c>
/// for bytesN and bytes, <see cref="string"/>, and <c>object?[]</c> for arrays and tuples.
/// </summary>
public static class Abi
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes values as the tuple (types...).</summary>
    public static byte[] Encode(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(values);
        if (types.Count != values.Count)
        {
            throw new AbiException($"Expected {types.Count} values, got {values.Count}.");
        }

        var size = TupleSize(types, values);
        var output = new byte[size];
        WriteTuple(types, values, output);
        return output;
    }

    /// <summary>Encodes values for type strings, e.g. Encode(["address","uint256"], [to, amount]).</summary>
    public static byte[] Encode(IReadOnlyList<string> types, IReadOnlyList<object?> values) =>
        Encode(types.Select(AbiType.Parse).ToArray(), values);

    /// <summary>Encodes a single value.</summary>
    public static byte[] EncodeValue(AbiType type, object? value) => Encode([type], [value]);

    /// <summary>Strictly decodes the tuple (types...) from <paramref name="data"/>. Trailing bytes are allowed.</summary>
    public static object?[] Decode(IReadOnlyList<AbiType> types, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(types);
        var budget = Math.Max(1024, data.Length);
        return DecodeTuple(types, types.Count, null, data, 0, ref budget);
    }

    /// <summary>Strictly decodes values for type strings.</summary>
    public static object?[] Decode(IReadOnlyList<string> types, ReadOnlySpan<byte> data) =>
        Decode(types.Select(AbiType.Parse).ToArray(), data);

    /// <summary>The 4-byte selector of a function or error signature such as "transfer(address,uint256)".</summary>
    public static byte[] Selector(string signature) =>
        Crypto.Keccak256.HashUtf8(FunctionSignature.Parse(signature).Signature)[..4];

    /// <summary>selector ‖ encode(args) for a function signature.</summary>
    public static byte[] EncodeCall(string signature, params object?[] args)
    {
        var function = FunctionSignature.Parse(signature);
        var encoded = Encode(function.Inputs, args);
        var output = new byte[4 + encoded.Length];
        function.Selector.CopyTo(output, 0);
        encoded.CopyTo(output, 4);
        return output;
    }

    // ---- encoding ----

    private static int TupleSize(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values)
    {
        var size = 0;
        for (var i = 0; i < types.Count; i++)
        {
            size += types[i].IsDynamic ? 32 + Size(types[i], values[i]) : Size(types[i], values[i]);
        }

        return size;
    }

    private static int Size(AbiType type, object? value)
    {
        switch (type.Kind)
        {
            case AbiKind.Bytes:
                return 32 + Pad32(AsBytes(value, type).Length);
            case AbiKind.String:
                return 32 + Pad32(Encoding.UTF8.GetByteCount(AsString(value)));
            case AbiKind.Array:
                {
                    var items = AsArray(value, type);
                    return 32 + TupleSize(Repeat(type.Element!, items.Length), items);
                }
            case AbiKind.FixedArray:
                {
                    var items = AsArray(value, type);
                    if (items.Length != type.Length)
                    {
                        throw new AbiException($"{type} needs {type.Length} items, got {items.Length}.");
                    }

                    return TupleSize(Repeat(type.Element!, items.Length), items);
                }
            case AbiKind.Tuple:
                {
                    var items = AsArray(value, type);
                    if (items.Length != type.Components.Count)
                    {
                        throw new AbiException($"{type} needs {type.Components.Count} items, got {items.Length}.");
                    }

                    return TupleSize(type.Components, items);
                }
            default:
                return 32;
        }
    }

    private static int WriteTuple(IReadOnlyList<AbiType> types, IReadOnlyList<object?> values, Span<byte> output)
    {
        var head = 0;
        var tail = 0;
        foreach (var t in types)
        {
            tail += t.HeadSize;
        }

        for (var i = 0; i < types.Count; i++)
        {
            if (types[i].IsDynamic)
            {
                WriteUInt(output.Slice(head, 32), (ulong)tail);
                tail += Write(types[i], values[i], output[tail..]);
                head += 32;
            }
            else
            {
                head += Write(types[i], values[i], output[head..]);
            }
        }
        return tail;
    }

    private static int Write(AbiType type, object? value, Span<byte> output)
    {
        switch (type.Kind)
        {
            case AbiKind.UInt:
            case AbiKind.Int:
                WriteInteger(type, ToBigInteger(value, type), output[..32]);
                return 32;
            case AbiKind.Address:
                output[..12].Clear();
                AsAddress(value, type).WriteTo(output.Slice(12, 20));
                return 32;
            case AbiKind.Bool:
                output[..32].Clear();
                output[31] = value is bool b ? (b ? (byte)1 : (byte)0) : throw Mismatch(type, value);
                return 32;
            case AbiKind.FixedBytes:
                {
                    var bytes = AsBytes(value, type);
                    if (bytes.Length != type.Size)
                    {
                        throw new AbiException($"{type} needs exactly {type.Size} bytes, got {bytes.Length}.");
                    }

                    output[..32].Clear();
                    bytes.CopyTo(output);
                    return 32;
                }
            case AbiKind.Bytes:
            case AbiKind.String:
                {
                    var bytes = type.Kind == AbiKind.Bytes ? AsBytes(value, type) : Encoding.UTF8.GetBytes(AsString(value));
                    WriteUInt(output[..32], (ulong)bytes.Length);
                    var padded = Pad32(bytes.Length);
                    output.Slice(32, padded).Clear();
                    bytes.CopyTo(output[32..]);
                    return 32 + padded;
                }
            case AbiKind.Array:
                {
                    var items = AsArray(value, type);
                    WriteUInt(output[..32], (ulong)items.Length);
                    return 32 + WriteTuple(Repeat(type.Element!, items.Length), items, output[32..]);
                }
            case AbiKind.FixedArray:
                {
                    var items = AsArray(value, type);
                    return WriteTuple(Repeat(type.Element!, items.Length), items, output);
                }
            default:
                return WriteTuple(type.Components, AsArray(value, type), output);
        }
    }

    private static void WriteInteger(AbiType type, BigInteger value, Span<byte> output)
    {
        if (type.Kind == AbiKind.UInt)
        {
            if (value.Sign < 0 || value.GetBitLength() > type.Size)
            {
                throw new AbiException($"Value is out of range for {type}.");
            }
        }
        else
        {
            var limit = BigInteger.One << (type.Size - 1);
            if (value < -limit || value >= limit)
            {
                throw new AbiException($"Value is out of range for {type}.");
            }
        }
        output.Fill(value.Sign < 0 ? (byte)0xff : (byte)0);
        var length = value.GetByteCount(isUnsigned: value.Sign >= 0);
        if (!value.TryWriteBytes(output[(32 - Math.Min(length, 32))..], out _, isUnsigned: value.Sign >= 0, isBigEndian: true))
        {
            throw new AbiException($"Value is out of range for {type}.");
        }
    }

    private static void WriteUInt(Span<byte> output, ulong value)
    {
        output[..24].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(output[24..32], value);
    }

    private static int Pad32(int length) => (length + 31) / 32 * 32;

    private static IReadOnlyList<AbiType> Repeat(AbiType element, int count) => new RepeatedList(element, count);

    private sealed class RepeatedList(AbiType element, int count) : IReadOnlyList<AbiType>
    {
        public AbiType this[int index] => element;
        public int Count => count;
        public IEnumerator<AbiType> GetEnumerator() => Enumerable.Repeat(element, count).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static BigInteger ToBigInteger(object? value, AbiType type) => value switch
    {
        BigInteger v => v,
        int v => v,
        long v => v,
        uint v => v,
        ulong v => v,
        short v => v,
        ushort v => v,
        byte v => v,
        sbyte v => v,
        UInt128 v => (BigInteger)v,
        Int128 v => (BigInteger)v,
        _ => throw Mismatch(type, value),
    };

    private static Address AsAddress(object? value, AbiType type) => value switch
    {
        Address a => a,
        string s => Address.Parse(s),
        _ => throw Mismatch(type, value),
    };

    private static byte[] AsBytes(object? value, AbiType type) => value switch
    {
        byte[] b => b,
        ReadOnlyMemory<byte> m => m.ToArray(),
        Hash32 h => h.ToArray(),
        _ => throw Mismatch(type, value),
    };

    private static string AsString(object? value) =>
        value as string ?? throw new AbiException($"Expected a string, got {Describe(value)}.");

    private static object?[] AsArray(object? value, AbiType type) => value switch
    {
        object?[] a => a,
        System.Collections.IList list => list.Cast<object?>().ToArray(),
        _ => throw Mismatch(type, value),
    };

    private static AbiException Mismatch(AbiType type, object? value) =>
        new($"Value of type {Describe(value)} cannot be encoded as {type}.");

    private static string Describe(object? value) => value?.GetType().Name ?? "null";

    // ---- decoding ----

    private static object?[] DecodeTuple(IReadOnlyList<AbiType>? types, int count, AbiType? element, ReadOnlySpan<byte> data, int start, ref int budget)
    {
        var result = new object?[count];
        var head = start;
        for (var i = 0; i < count; i++)
        {
            if (--budget < 0)
            {
                throw new AbiException("ABI data expands beyond a sane size (overlapping offsets?).");
            }

            var type = element ?? types![i];
            if (type.IsDynamic)
            {
                var offset = ReadLength(data, head, "offset");
                if (offset > data.Length - start)
                {
                    throw new AbiException("Offset points past the end of the data.");
                }

                result[i] = DecodeValue(type, data, start + offset, ref budget);
                head += 32;
            }
            else
            {
                result[i] = DecodeValue(type, data, head, ref budget);
                head += type.HeadSize;
            }
        }
        return result;
    }

    private static object? DecodeValue(AbiType type, ReadOnlySpan<byte> data, int position, ref int budget)
    {
        switch (type.Kind)
        {
            case AbiKind.UInt:
                {
                    var word = Word(data, position);
                    var padding = 32 - type.Size / 8;
                    if (word[..padding].ContainsAnyExcept((byte)0))
                    {
                        throw new AbiException($"Value out of range for {type}.");
                    }

                    return new BigInteger(word[padding..], isUnsigned: true, isBigEndian: true);
                }
            case AbiKind.Int:
                {
                    var word = Word(data, position);
                    var padding = 32 - type.Size / 8;
                    var fill = (word[padding] & 0x80) != 0 ? (byte)0xff : (byte)0;
                    if (word[..padding].ContainsAnyExcept(fill))
                    {
                        throw new AbiException($"Value out of range for {type}.");
                    }

                    return new BigInteger(word[padding..], isUnsigned: false, isBigEndian: true);
                }
            case AbiKind.Address:
                {
                    var word = Word(data, position);
                    if (word[..12].ContainsAnyExcept((byte)0))
                    {
                        throw new AbiException("Dirty high bytes in an address.");
                    }

                    return new Address(word[12..]);
                }
            case AbiKind.Bool:
                {
                    var word = Word(data, position);
                    if (word[..31].ContainsAnyExcept((byte)0) || word[31] > 1)
                    {
                        throw new AbiException("A bool must be 0 or 1.");
                    }

                    return word[31] == 1;
                }
            case AbiKind.FixedBytes:
                {
                    var word = Word(data, position);
                    if (word[type.Size..].ContainsAnyExcept((byte)0))
                    {
                        throw new AbiException($"Dirty padding in {type}.");
                    }

                    return word[..type.Size].ToArray();
                }
            case AbiKind.Bytes:
            case AbiKind.String:
                {
                    var length = ReadLength(data, position, "length");
                    if (length > data.Length - position - 32)
                    {
                        throw new AbiException($"{type} length runs past the end of the data.");
                    }

                    var bytes = data.Slice(position + 32, length);
                    if (type.Kind == AbiKind.Bytes)
                    {
                        return bytes.ToArray();
                    }

                    try
                    { return StrictUtf8.GetString(bytes); }
                    catch (DecoderFallbackException) { throw new AbiException("A string is not valid UTF-8."); }
                }
            case AbiKind.Array:
                {
                    var length = ReadLength(data, position, "array length");
                    var available = data.Length - position - 32;
                    if ((long)length * Math.Max(type.Element!.HeadSize, 1) > available)
                    {
                        throw new AbiException("Array length runs past the end of the data.");
                    }

                    return DecodeTuple(null, length, type.Element, data, position + 32, ref budget);
                }
            case AbiKind.FixedArray:
                CheckRoom(data, position, type.Element!.IsDynamic ? 32 * type.Length : type.HeadSize);
                return DecodeTuple(null, type.Length, type.Element, data, position, ref budget);
            default:
                CheckRoom(data, position, type.Components.Sum(c => c.IsDynamic ? 32 : c.HeadSize));
                return DecodeTuple(type.Components, type.Components.Count, null, data, position, ref budget);
        }
    }

    private static void CheckRoom(ReadOnlySpan<byte> data, int position, int size)
    {
        if (position < 0 || size > data.Length - position)
        {
            throw new AbiException("Data is too short.");
        }
    }

    private static ReadOnlySpan<byte> Word(ReadOnlySpan<byte> data, int position)
    {
        CheckRoom(data, position, 32);
        return data.Slice(position, 32);
    }

    private static int ReadLength(ReadOnlySpan<byte> data, int position, string what)
    {
        var word = Word(data, position);
        if (word[..28].ContainsAnyExcept((byte)0))
        {
            throw new AbiException($"The {what} is too large.");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(word[28..]);
        if (value > int.MaxValue)
        {
            throw new AbiException($"The {what} is too large.");
        }

        return (int)value;
    }
}

/// <summary>Invalid ABI values or malformed ABI data.</summary>
public sealed class AbiException(string message) : FormatException(message);
