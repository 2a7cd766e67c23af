using System.Globalization;
using System.Numerics;

namespace Tokenizer.Chain.Serialization;

/// <summary>
/// Hex helpers for Ethereum data ("0x"-prefixed, even length, lowercase on output) and JSON-RPC quantities
/// ("0x"-prefixed, no leading zeros, "0x0" for zero).
/// </summary>
public static class Hex
{
    /// <summary>Lowercase hex with a "0x" prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> data, bool prefix = true)
    {
        var hex = Convert.ToHexStringLower(data);
        return prefix ? "0x" + hex : hex;
    }

    /// <summary>Decodes hex data; the "0x" prefix is optional, the length must be even.</summary>
    public static byte[] Decode(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var s = StripPrefix(hex.AsSpan());
        if ((s.Length & 1) != 0)
        {
            throw new FormatException("Hex data must have an even number of digits.");
        }

        return Convert.FromHexString(s);
    }

    /// <summary>Decodes hex data without throwing.</summary>
    public static bool TryDecode(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null)
        {
            return false;
        }

        var s = StripPrefix(hex.AsSpan());
        if ((s.Length & 1) != 0)
        {
            return false;
        }

        var buffer = new byte[s.Length / 2];
        if (Convert.FromHexString(s, buffer, out _, out var written) != System.Buffers.OperationStatus.Done || written != buffer.Length)
        {
            return false;
        }

        bytes = buffer;
        return true;
    }

    /// <summary>Decodes exactly <paramref name="destination"/>.Length bytes of hex into the destination.</summary>
    public static void DecodeInto(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        var s = StripPrefix(hex);
        if (s.Length != destination.Length * 2)
        {
            throw new FormatException($"Expected {destination.Length} bytes of hex.");
        }

        if (Convert.FromHexString(s, destination, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            throw new FormatException("Invalid hex digit.");
        }
    }

    /// <summary>Encodes a non-negative integer as a JSON-RPC quantity ("0x0", "0x1a").</summary>
    public static string EncodeQuantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Quantities are non-negative.");
        }

        if (value.IsZero)
        {
            return "0x0";
        }

        var hex = value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
        return "0x" + hex;
    }

    /// <summary>Encodes a non-negative integer as a JSON-RPC quantity.</summary>
    public static string EncodeQuantity(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Decodes a JSON-RPC quantity (leading zeros tolerated, as some nodes emit them).</summary>
    public static BigInteger DecodeQuantity(string quantity)
    {
        ArgumentNullException.ThrowIfNull(quantity);
        var s = StripPrefix(quantity.AsSpan());
        if (s.Length == 0)
        {
            throw new FormatException("Empty quantity.");
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                throw new FormatException("Invalid hex digit in quantity.");
            }
        }

        return BigInteger.Parse("0" + s.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>Decodes a JSON-RPC quantity that must fit in 64 bits.</summary>
    public static ulong DecodeQuantityUInt64(string quantity)
    {
        var s = StripPrefix(quantity.AsSpan()).TrimStart('0');
        if (s.Length == 0)
        {
            return 0;
        }

        if (s.Length > 16)
        {
            throw new OverflowException("Quantity does not fit in 64 bits.");
        }

        return ulong.Parse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    internal static ReadOnlySpan<char> StripPrefix(ReadOnlySpan<char> s) =>
        s.Length >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s[2..] : s;
}
