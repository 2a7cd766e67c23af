using System.Globalization;
using System.Numerics;

namespace Tokenizer.LedgerData.Ingest;

/// <summary>Base-unit amounts as the feeds carry them (formatting is <see cref="Tokenizer.Chain.Primitives.TokenAmounts"/>).</summary>
public static class TokenUnits
{
    /// <summary>Parses a base-unit decimal integer string as the feeds carry it.</summary>
    public static bool TryParseBaseUnits(string? text, out BigInteger value) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
