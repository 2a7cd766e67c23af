using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>
/// A token's /status figures computed by the test from the chain alone (balanceOf, ownerOf, the control getters),
/// in decimal arithmetic rather than the monitor's integer one, so the two are independent.
/// </summary>
public sealed record ExpectedFigures(decimal TotalSupply, decimal LockedSupply, int UniqueHolders, decimal? TopHolderShare, decimal? Hhi)
{
    public static async Task<ExpectedFigures> Erc20Async(TokenizerErc20Contract token, IEnumerable<Address> candidates)
    {
        var decimals = await token.DecimalsAsync();
        var holdings = new List<(BigInteger, Address, bool)>();
        foreach (var holder in candidates.Distinct())
        {
            var balance = await token.BalanceOfAsync(holder);
            if (!balance.IsZero)
            {
                holdings.Add((balance, holder, await IsLockedAsync(token, holder)));
            }
        }
        return Of(holdings, decimals);
    }

    public static async Task<ExpectedFigures> Erc721Async(TokenizerErc721Contract token, IEnumerable<BigInteger> ids)
    {
        var holdings = new List<(BigInteger, Address, bool)>();
        foreach (var id in ids)
        {
            Address owner;
            try
            {
                owner = await token.OwnerOfAsync(id);
            }
            catch (Exception e) when (e is RpcException or ContractRevertException)
            {
                continue; // burned
            }
            holdings.Add((BigInteger.One, owner, await IsLockedAsync(token, owner)));
        }
        return Of(holdings, 0);
    }

    private static async Task<bool> IsLockedAsync(TokenizerTokenContract token, Address holder) =>
        await token.PausedAsync() || await token.TransfersLockedAsync() || await token.IsFrozenAsync(holder)
        || (!await token.PermissionlessAsync() && !await token.IsApprovedAsync(holder));

    private static ExpectedFigures Of(List<(BigInteger Amount, Address Owner, bool Locked)> holdings, int decimals)
    {
        var scale = (decimal)BigInteger.Pow(10, decimals);
        var total = holdings.Aggregate(BigInteger.Zero, (s, h) => s + h.Amount);
        var locked = holdings.Where(h => h.Locked).Aggregate(BigInteger.Zero, (s, h) => s + h.Amount);
        var perOwner = holdings.GroupBy(h => h.Owner).Select(g => g.Aggregate(BigInteger.Zero, (s, h) => s + h.Amount)).ToList();
        if (total.IsZero)
        {
            return new ExpectedFigures(0, 0, 0, null, null);
        }
        var shares = perOwner.Select(s => (decimal)s / (decimal)total).ToList();
        return new ExpectedFigures(
            (decimal)total / scale, (decimal)locked / scale, perOwner.Count,
            Math.Round(shares.Max(), 6, MidpointRounding.ToEven), Math.Round(shares.Sum(s => s * s), 6, MidpointRounding.ToEven));
    }

    /// <summary>True when the status entry shows exactly these figures.</summary>
    public bool Matches(JsonNode? entry) =>
        entry is JsonObject o
        && Number(o["total_supply"]) == TotalSupply
        && Number(o["total_locked_supply"]) == LockedSupply
        && o["unique_holders"]?.GetValue<int>() == UniqueHolders
        && Number(o["top_holder_share"]) == TopHolderShare
        && Number(o["supply_concentration_hhi"]) == Hhi
        && o["updated_at"] is not null;

    private static decimal? Number(JsonNode? value) =>
        value is null ? null : decimal.Parse(value.GetValue<string>(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
}
