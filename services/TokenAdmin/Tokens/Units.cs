using System.Globalization;
using System.Numerics;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>Base units as decimal token units, exactly (no floating point): 1500000 with 6 decimals is "1.5".</summary>
public static class Units
{
    public static string Format(BigInteger baseUnits, int decimals)
    {
        var digits = BigInteger.Abs(baseUnits).ToString(CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        var whole = digits[..^decimals];
        var fraction = decimals == 0 ? "" : digits[^decimals..].TrimEnd('0');
        var sign = baseUnits.Sign < 0 ? "-" : "";
        return fraction.Length == 0 ? sign + whole : $"{sign}{whole}.{fraction}";
    }
}
