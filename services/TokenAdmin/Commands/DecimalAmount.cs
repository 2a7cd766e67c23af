using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>
/// An operator amount parsed exactly (no binary floating point): digits and an optional fraction, from a JSON number
/// or a decimal string. <see cref="Normalised"/> is the canonical text ("100.0" and 100 are both "100").
/// </summary>
public sealed partial record DecimalAmount(BigInteger Digits, int Scale)
{
    /// <summary>2^256 - 1: no token holds more base units.</summary>
    public static readonly BigInteger MaxBaseUnits = BigInteger.Pow(2, 256) - 1;

    public string Normalised
    {
        get
        {
            var text = Digits.ToString(CultureInfo.InvariantCulture);
            if (Scale == 0)
            {
                return text;
            }
            text = text.PadLeft(Scale + 1, '0');
            return $"{text[..^Scale]}.{text[^Scale..]}";
        }
    }

    /// <summary>Parses <paramref name="text"/>; the error says why not (and is the 422's <c>msg</c>).</summary>
    public static bool TryParse(string text, out DecimalAmount? amount, out string? error, out string? type)
    {
        amount = null;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            (error, type) = ("amount must be a positive decimal number", "value_error.number");
            return false;
        }
        if (match.Groups["sign"].Value == "-")
        {
            (error, type) = ("amount must be greater than zero", "value_error.number.not_gt");
            return false;
        }

        var whole = match.Groups["whole"].Value;
        var fraction = match.Groups["fraction"].Value.TrimEnd('0');
        var exponent = 0;
        if (match.Groups["exponent"].Success && !int.TryParse(match.Groups["exponent"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            (error, type) = ("amount is out of range", "value_error.number.not_le");
            return false;
        }
        if (Math.Abs(exponent) > 200)
        {
            (error, type) = ("amount is out of range", "value_error.number.not_le");
            return false;
        }

        var digits = BigInteger.Parse(whole + fraction, CultureInfo.InvariantCulture);
        var scale = fraction.Length - exponent;
        if (scale < 0)
        {
            digits *= BigInteger.Pow(10, -scale);
            scale = 0;
        }
        while (scale > 0 && !digits.IsZero && digits % 10 == 0)
        {
            digits /= 10;
            scale--;
        }
        if (digits.IsZero)
        {
            (error, type) = ("amount must be greater than zero", "value_error.number.not_gt");
            return false;
        }

        amount = new DecimalAmount(digits, scale);
        (error, type) = (null, null);
        return true;
    }

    /// <summary>Base units for a token with <paramref name="decimals"/> decimals; false when it has more fractional digits or is too large.</summary>
    public bool TryToBaseUnits(int decimals, out BigInteger units, out string? error, out string? type)
    {
        units = default;
        if (Scale > decimals)
        {
            (error, type) = (decimals == 0
                ? "amount must be a whole number for this instrument"
                : $"amount has more than {decimals} fractional digits, the instrument's decimals", "value_error.number.max_decimal_places");
            return false;
        }
        units = Digits * BigInteger.Pow(10, decimals - Scale);
        if (units > MaxBaseUnits)
        {
            (error, type) = ("amount exceeds 2^256-1 base units", "value_error.number.not_le");
            return false;
        }
        (error, type) = (null, null);
        return true;
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<whole>\d+)(?:\.(?<fraction>\d+))?(?:[eE](?<exponent>[+-]?\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
