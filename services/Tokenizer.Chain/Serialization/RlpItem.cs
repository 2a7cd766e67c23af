using System.Numerics;

namespace Tokenizer.Chain.Serialization;

/// <summary>A decoded (or to-be-encoded) RLP item: either a byte string or a list of items.</summary>
public sealed class RlpItem
{
    private static readonly IReadOnlyList<RlpItem> NoItems = [];

    private RlpItem(bool isList, byte[] bytes, IReadOnlyList<RlpItem> items)
    {
        IsList = isList;
        Bytes = bytes;
        Items = items;
    }

    /// <summary>True for a list, false for a byte string.</summary>
    public bool IsList { get; }

    /// <summary>The string payload (empty for a list).</summary>
    public byte[] Bytes { get; }

    /// <summary>The list items (empty for a string).</summary>
    public IReadOnlyList<RlpItem> Items { get; }

    /// <summary>A byte string item.</summary>
    public static RlpItem String(ReadOnlySpan<byte> bytes) => new(false, bytes.ToArray(), NoItems);

    /// <summary>A UTF-8 string item.</summary>
    public static RlpItem String(string text) => new(false, System.Text.Encoding.UTF8.GetBytes(text), NoItems);

    /// <summary>A canonical integer item (big-endian, no leading zeros, zero = empty string).</summary>
    public static RlpItem Integer(BigInteger value) => new(false, Rlp.IntegerBytes(value), NoItems);

    /// <summary>A list item.</summary>
    public static RlpItem List(params RlpItem[] items) => new(true, [], items);

    /// <summary>A list item.</summary>
    public static RlpItem List(IEnumerable<RlpItem> items) => new(true, [], items.ToArray());

    internal static RlpItem StringNoCopy(byte[] bytes) => new(false, bytes, NoItems);

    /// <summary>Reads a canonical unsigned integer; leading zero bytes are rejected.</summary>
    public BigInteger ToBigInteger()
    {
        EnsureString();
        if (Bytes.Length > 0 && Bytes[0] == 0)
        {
            throw new RlpException("Non-canonical integer: leading zero byte.");
        }

        return new BigInteger(Bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Reads a canonical unsigned integer that must fit in 64 bits.</summary>
    public ulong ToUInt64()
    {
        EnsureString();
        if (Bytes.Length > 8)
        {
            throw new RlpException("Integer does not fit in 64 bits.");
        }

        if (Bytes.Length > 0 && Bytes[0] == 0)
        {
            throw new RlpException("Non-canonical integer: leading zero byte.");
        }

        ulong v = 0;
        foreach (var b in Bytes)
        {
            v = (v << 8) | b;
        }

        return v;
    }

    private void EnsureString()
    {
        if (IsList)
        {
            throw new RlpException("Expected an RLP string, found a list.");
        }
    }

    /// <summary>Structural equality (for tests).</summary>
    public bool StructurallyEquals(RlpItem other)
    {
        if (IsList != other.IsList)
        {
            return false;
        }

        if (!IsList)
        {
            return Bytes.AsSpan().SequenceEqual(other.Bytes);
        }

        if (Items.Count != other.Items.Count)
        {
            return false;
        }

        for (var i = 0; i < Items.Count; i++)
        {
            if (!Items[i].StructurallyEquals(other.Items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() =>
        IsList ? "[" + string.Join(", ", Items.Select(i => i.ToString())) + "]" : Hex.Encode(Bytes);
}

/// <summary>Malformed or non-canonical RLP.</summary>
public sealed class RlpException(string message) : FormatException(message);
