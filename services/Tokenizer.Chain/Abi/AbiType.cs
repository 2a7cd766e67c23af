using System.Globalization;

namespace Tokenizer.Chain.Abi;

/// <summary>The kinds of Solidity ABI types.</summary>
public enum AbiKind
{
    UInt,
    Int,
    Address,
    Bool,
    FixedBytes,
    Bytes,
    String,
    Array,
    FixedArray,
    Tuple,
}

/// <summary>
/// A Solidity ABI type parsed from its canonical string ("uint256", "bytes32", "(address,uint256)[]", "string[3]").
/// The aliases "uint"/"int" and the "tuple(...)" spelling are accepted; <see cref="ToString"/> is always canonical.
/// </summary>
public sealed class AbiType : IEquatable<AbiType>
{
    private static readonly IReadOnlyList<AbiType> NoComponents = [];

    private AbiType(AbiKind kind, int size, AbiType? element, int length, IReadOnlyList<AbiType> components)
    {
        Kind = kind;
        Size = size;
        Element = element;
        Length = length;
        Components = components;
        IsDynamic = kind switch
        {
            AbiKind.Bytes or AbiKind.String or AbiKind.Array => true,
            AbiKind.FixedArray => element!.IsDynamic,
            AbiKind.Tuple => components.Any(c => c.IsDynamic),
            _ => false,
        };
        // checked: an absurd fixed-array type must fail to parse rather than wrap around.
        HeadSize = IsDynamic ? 32 : kind switch
        {
            AbiKind.FixedArray => checked(element!.HeadSize * length),
            AbiKind.Tuple => checked(components.Sum(c => c.HeadSize)),
            _ => 32,
        };
        Canonical = kind switch
        {
            AbiKind.UInt => "uint" + size.ToString(CultureInfo.InvariantCulture),
            AbiKind.Int => "int" + size.ToString(CultureInfo.InvariantCulture),
            AbiKind.Address => "address",
            AbiKind.Bool => "bool",
            AbiKind.FixedBytes => "bytes" + size.ToString(CultureInfo.InvariantCulture),
            AbiKind.Bytes => "bytes",
            AbiKind.String => "string",
            AbiKind.Array => element!.Canonical + "[]",
            AbiKind.FixedArray => element!.Canonical + "[" + length.ToString(CultureInfo.InvariantCulture) + "]",
            _ => "(" + string.Join(",", components.Select(c => c.Canonical)) + ")",
        };
    }

    /// <summary>The kind of type.</summary>
    public AbiKind Kind { get; }

    /// <summary>Bits for intN/uintN, bytes for bytesN, otherwise 0.</summary>
    public int Size { get; }

    /// <summary>The element type of T[] and T[k].</summary>
    public AbiType? Element { get; }

    /// <summary>k for T[k].</summary>
    public int Length { get; }

    /// <summary>Tuple component types.</summary>
    public IReadOnlyList<AbiType> Components { get; }

    /// <summary>True when encoded through an offset (bytes, string, T[], or containing one).</summary>
    public bool IsDynamic { get; }

    /// <summary>Bytes the type takes in the head of its enclosing tuple.</summary>
    public int HeadSize { get; }

    /// <summary>The canonical type string as used in signatures.</summary>
    public string Canonical { get; }

    public static readonly AbiType Address = new(AbiKind.Address, 0, null, 0, NoComponents);
    public static readonly AbiType Bool = new(AbiKind.Bool, 0, null, 0, NoComponents);
    public static readonly AbiType Bytes = new(AbiKind.Bytes, 0, null, 0, NoComponents);
    public static readonly AbiType String = new(AbiKind.String, 0, null, 0, NoComponents);
    public static readonly AbiType UInt256 = UInt(256);

    /// <summary>uintN, N in 8..256 step 8.</summary>
    public static AbiType UInt(int bits) => new(AbiKind.UInt, CheckBits(bits), null, 0, NoComponents);

    /// <summary>intN, N in 8..256 step 8.</summary>
    public static AbiType Int(int bits) => new(AbiKind.Int, CheckBits(bits), null, 0, NoComponents);

    /// <summary>bytesN, N in 1..32.</summary>
    public static AbiType FixedBytes(int size) =>
        size is >= 1 and <= 32 ? new(AbiKind.FixedBytes, size, null, 0, NoComponents) : throw new FormatException($"bytes{size} is not a valid type.");

    /// <summary>T[].</summary>
    public static AbiType ArrayOf(AbiType element) => new(AbiKind.Array, 0, element, 0, NoComponents);

    /// <summary>T[k].</summary>
    public static AbiType FixedArrayOf(AbiType element, int length) =>
        length >= 1 ? new(AbiKind.FixedArray, 0, element, length, NoComponents) : throw new FormatException("Fixed array length must be at least 1.");

    /// <summary>(T1,...,Tn).</summary>
    public static AbiType Tuple(params AbiType[] components) => new(AbiKind.Tuple, 0, null, 0, components.ToArray());

    private static int CheckBits(int bits) =>
        bits is >= 8 and <= 256 && bits % 8 == 0 ? bits : throw new FormatException($"Integer width {bits} is not valid.");

    /// <summary>Parses a type string.</summary>
    public static AbiType Parse(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var position = 0;
        AbiType result;
        try
        { result = ParseType(type, ref position); }
        catch (OverflowException) { throw new FormatException($"Type '{type}' is too large."); }
        if (position != type.Length)
        {
            throw new FormatException($"Unexpected '{type[position]}' in type '{type}'.");
        }

        return result;
    }

    /// <summary>Parses a comma-separated list of types, e.g. the inside of a signature's parentheses.</summary>
    public static AbiType[] ParseList(string types)
    {
        if (string.IsNullOrWhiteSpace(types))
        {
            return [];
        }

        var tuple = Parse("(" + types + ")");
        return tuple.Components.ToArray();
    }

    private static AbiType ParseType(string s, ref int p)
    {
        AbiType baseType;
        if (p < s.Length && s[p] == '(' || string.CompareOrdinal(s, p, "tuple(", 0, 6) == 0)
        {
            if (s[p] == 't')
            {
                p += 5;
            }

            p++; // '('
            var components = new List<AbiType>();
            if (p < s.Length && s[p] == ')')
            {
                p++;
            }
            else
            {
                while (true)
                {
                    components.Add(ParseType(s, ref p));
                    if (p >= s.Length)
                    {
                        throw new FormatException($"Unterminated tuple in '{s}'.");
                    }

                    if (s[p] == ',')
                    { p++; continue; }
                    if (s[p] == ')')
                    { p++; break; }
                    throw new FormatException($"Unexpected '{s[p]}' in type '{s}'.");
                }
            }
            baseType = new AbiType(AbiKind.Tuple, 0, null, 0, components);
        }
        else
        {
            var start = p;
            while (p < s.Length && char.IsAsciiLetterOrDigit(s[p]))
            {
                p++;
            }

            baseType = ParseElementary(s[start..p]);
        }
        while (p < s.Length && s[p] == '[')
        {
            var close = s.IndexOf(']', p);
            if (close < 0)
            {
                throw new FormatException($"Unterminated array in '{s}'.");
            }

            var inner = s.AsSpan(p + 1, close - p - 1);
            if (inner.Length == 0)
            {
                baseType = ArrayOf(baseType);
            }
            else if (inner[0] != '0' && int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var k))
            {
                baseType = FixedArrayOf(baseType, k);
            }
            else
            {
                throw new FormatException($"Invalid array length in '{s}'.");
            }

            p = close + 1;
        }
        return baseType;
    }

    private static AbiType ParseElementary(string name)
    {
        switch (name)
        {
            case "address":
                return Address;
            case "bool":
                return Bool;
            case "bytes":
                return Bytes;
            case "string":
                return String;
            case "uint":
                return UInt256;
            case "int":
                return Int(256);
        }
        if (name.StartsWith("uint", StringComparison.Ordinal) && TryNumber(name.AsSpan(4), out var u))
        {
            return UInt(u);
        }

        if (name.StartsWith("int", StringComparison.Ordinal) && TryNumber(name.AsSpan(3), out var i))
        {
            return Int(i);
        }

        if (name.StartsWith("bytes", StringComparison.Ordinal) && TryNumber(name.AsSpan(5), out var b))
        {
            return FixedBytes(b);
        }

        throw new FormatException($"Unknown ABI type '{name}'.");
    }

    private static bool TryNumber(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        return digits.Length > 0 && digits[0] != '0' &&
               int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public override string ToString() => Canonical;
    public bool Equals(AbiType? other) => other is not null && Canonical == other.Canonical;
    public override bool Equals(object? obj) => Equals(obj as AbiType);
    public override int GetHashCode() => Canonical.GetHashCode(StringComparison.Ordinal);
}
