using System.Globalization;
using System.Numerics;

namespace Tokenizer.Chain.Primitives;

/// <summary>Token amounts between base units and decimal token units, exactly (no floating point).</summary>
public static class TokenAmounts
{
    /// <summary>
    /// Base units as decimal token units, as ethers' <c>formatUnits</c> writes them: trailing zeros trimmed but one
    /// fractional digit kept ("100.0" for 100×10^18 with 18 decimals, as the operator API's examples write amounts);
    /// a whole number when <paramref name="decimals"/> is 0 (ERC721 counts).
    /// </summary>
    public static string FormatUnits(BigInteger baseUnits, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        var digits = BigInteger.Abs(baseUnits).ToString(CultureInfo.InvariantCulture);
        var sign = baseUnits.Sign < 0 ? "-" : "";
        if (decimals == 0)
        {
            return sign + digits;
        }

        digits = digits.PadLeft(decimals + 1, '0');
        var fraction = digits[^decimals..].TrimEnd('0');
        return $"{sign}{digits[..^decimals]}.{(fraction.Length == 0 ? "0" : fraction)}";
    }
}
