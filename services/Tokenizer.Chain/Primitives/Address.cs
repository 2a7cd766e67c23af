using System.Buffers.Binary;
using Tokenizer.Chain.Crypto;

namespace Tokenizer.Chain.Primitives;

/// <summary>
/// A 20-byte Ethereum account address. Parses all-lowercase, all-uppercase or valid EIP-55 mixed-case hex
/// (a mixed-case string with a wrong checksum is rejected); <see cref="ToString"/> is the EIP-55 form.
/// </summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 20;

    // Held as three big-endian words so the struct is 24 bytes, allocation-free and cheap to compare.
    private readonly ulong _a;
    private readonly ulong _b;
    private readonly uint _c;

    /// <summary>The zero address (0x000…0).</summary>
    public static readonly Address Zero;

    /// <summary>Creates an address from exactly 20 bytes.</summary>
    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("An address is exactly 20 bytes.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]);
    }

    /// <summary>True for 0x000…0.</summary>
    public bool IsZero => _a == 0 && _b == 0 && _c == 0;

    /// <summary>Writes the 20 bytes into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], _c);
    }

    /// <summary>The 20 bytes as a new array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Derives the address of an uncompressed secp256k1 public key (65 bytes with 0x04, or 64 bytes without).</summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length == 65)
        {
            if (publicKey[0] != 0x04)
            {
                throw new ArgumentException("Expected an uncompressed public key.", nameof(publicKey));
            }

            publicKey = publicKey[1..];
        }
        if (publicKey.Length != 64)
        {
            throw new ArgumentException("Expected a 64- or 65-byte public key.", nameof(publicKey));
        }

        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(publicKey, hash);
        return new Address(hash[12..]);
    }

    /// <summary>Parses an address, throwing <see cref="FormatException"/> with the reason on failure.</summary>
    public static Address Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    /// <summary>Parses an address.</summary>
    public static bool TryParse(string? text, out Address address) => TryParse(text, out address, out _);

    /// <summary>
    /// The platform's API rule for an address: <c>0x</c> followed by 40 hex digits, all lower-case, all upper-case or
    /// valid EIP-55 mixed case. Unlike <see cref="TryParse(string?, out Address, out string?)"/>, the prefix is required.
    /// </summary>
    public static bool TryParseApi(string? text, out Address address, out string? error)
    {
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal))
        {
            address = default;
            error = "An address is 0x followed by 40 hex digits.";
            return false;
        }
        return TryParse(text, out address, out error);
    }

    /// <summary>Parses an address; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out Address address, out string? error)
    {
        if (text is null)
        {
            address = default;
            error = "Address is null.";
            return false;
        }
        return TryParse(text.AsSpan(), out address, out error);
    }

    /// <summary>Parses an address held in characters (a JSON value copied without a string); the rules of <see cref="TryParse(string?, out Address, out string?)"/>.</summary>
    internal static bool TryParse(ReadOnlySpan<char> s, out Address address, out string? error)
    {
        address = default;
        if (s.Length >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        {
            s = s[2..];
        }

        if (s.Length != 40)
        { error = "An address has 40 hex digits."; return false; }
        bool hasLower = false, hasUpper = false;
        foreach (var ch in s)
        {
            if (!char.IsAsciiHexDigit(ch))
            { error = "An address contains only hex digits."; return false; }
            if (ch is >= 'a' and <= 'f')
            {
                hasLower = true;
            }
            else if (ch is >= 'A' and <= 'F')
            {
                hasUpper = true;
            }
        }
        Span<byte> bytes = stackalloc byte[Length];
        Convert.FromHexString(s, bytes, out _, out _);
        var candidate = new Address(bytes);
        if (hasLower && hasUpper)
        {
            Span<char> expected = stackalloc char[40];
            candidate.FormatChecksummed(expected);
            if (!s.SequenceEqual(expected))
            { error = "Mixed-case address has an invalid EIP-55 checksum."; return false; }
        }
        address = candidate;
        error = null;
        return true;
    }

    private void FormatChecksummed(Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        Span<byte> lowerAscii = stackalloc byte[40];
        const string digits = "0123456789abcdef";
        for (var i = 0; i < Length; i++)
        {
            lowerAscii[2 * i] = (byte)digits[bytes[i] >> 4];
            lowerAscii[2 * i + 1] = (byte)digits[bytes[i] & 0xF];
        }
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Hash(lowerAscii, hash);
        for (var i = 0; i < 40; i++)
        {
            var c = (char)lowerAscii[i];
            var nibble = (i & 1) == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0xF;
            destination[i] = c >= 'a' && nibble >= 8 ? char.ToUpperInvariant(c) : c;
        }
    }

    /// <summary>EIP-55 checksummed form, e.g. 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed.</summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[42];
        chars[0] = '0';
        chars[1] = 'x';
        FormatChecksummed(chars[2..]);
        return new string(chars);
    }

    /// <summary>Lowercase hex form (what JSON-RPC nodes return).</summary>
    public string ToLowerHex()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return "0x" + Convert.ToHexStringLower(bytes);
    }

    public bool Equals(Address other) => _a == other._a && _b == other._b && _c == other._c;
    public override bool Equals(object? obj) => obj is Address other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);
    public int CompareTo(Address other)
    {
        var c = _a.CompareTo(other._a);
        if (c != 0)
        {
            return c;
        }

        c = _b.CompareTo(other._b);
        return c != 0 ? c : _c.CompareTo(other._c);
    }
    public static bool operator ==(Address left, Address right) => left.Equals(right);
    public static bool operator !=(Address left, Address right) => !left.Equals(right);
}
