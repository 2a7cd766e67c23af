using System.Globalization;
using System.Numerics;
using Tokenizer.Chain.Primitives;

namespace Tokenizer.Monitor.Scanning;

/// <summary>A token's /status figures from its holdings, in exact integer arithmetic over base units.</summary>
public sealed record TokenFigures(BigInteger TotalSupply, BigInteger LockedSupply, int UniqueHolders, string? TopHolderShare, string? Hhi)
{
    private const int RatioPlaces = 6;
    private static readonly BigInteger RatioScale = BigInteger.Pow(10, RatioPlaces);

    /// <summary>Figures of one token from its holdings (amount, owner, locked).</summary>
    public static TokenFigures Of(IEnumerable<(BigInteger Amount, string Owner, bool Locked)> holdings)
    {
        var byOwner = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        BigInteger total = 0, locked = 0;
        foreach (var (amount, owner, isLocked) in holdings)
        {
            total += amount;
            if (isLocked)
            {
                locked += amount;
            }
            byOwner[owner] = byOwner.GetValueOrDefault(owner) + amount;
        }
        if (total.IsZero)
        {
            // No supply: a share of nothing does not apply, so the fields are omitted.
            return new TokenFigures(0, 0, 0, null, null);
        }
        var top = byOwner.Values.Max();
        var squares = byOwner.Values.Aggregate(BigInteger.Zero, (sum, s) => sum + (s * s));
        return new TokenFigures(total, locked, byOwner.Count, Ratio(top, total), Ratio(squares, total * total));
    }

    /// <summary>numerator/denominator rounded half-even to 6 places, as a trimmed decimal string ("0.18", "1.0").</summary>
    public static string Ratio(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator * RatioScale, denominator, out var remainder);
        var twice = remainder * 2;
        if (twice > denominator || (twice == denominator && !quotient.IsEven))
        {
            quotient += 1;
        }
        return TokenAmounts.FormatUnits(quotient, RatioPlaces);
    }
}
