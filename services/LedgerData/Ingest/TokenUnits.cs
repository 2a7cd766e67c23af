using System.Globalization;
using System.Numerics;

namespace Tokenizer.LedgerData.Ingest;

/// <summary>Base units to the operator API's decimal token units ("100.0" for 100×10^18 with 18 decimals).</summary>
public static class TokenUnits
{
    /// <summary>
    /// Exact, no floating point: trailing zeros trimmed, but a token with decimals keeps one fractional digit as the
    /// API document's examples do ("100.0"); a token without decimals (ERC721 counts) is a whole number ("3").
    /// </summary>
    public static string Format(BigInteger baseUnits, int decimals)
    {
        var digits = BigInteger.Abs(baseUnits).ToString(CultureInfo.InvariantCulture);
        var sign = baseUnits.Sign < 0 ? "-" : "";
        if (decimals == 0)
        {
            return sign + digits;
        }

        digits = digits.PadLeft(decimals + 1, '0');
        var whole = digits[..^decimals];
        var fraction = digits[^decimals..].TrimEnd('0');
        return $"{sign}{whole}.{(fraction.Length == 0 ? "0" : fraction)}";
    }

    /// <summary>Parses a base-unit decimal integer string as the feeds carry it.</summary>
    public static bool TryParseBaseUnits(string? text, out BigInteger value) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
