using System.Numerics;
using Npgsql;

namespace Tokenizer.Monitor.Scanning;

/// <summary>
/// The holdings as of one block, kept between scans: each scan folds in only the transfers of the blocks since the
/// last one, so a scan at the head costs the new events, not every transfer ever indexed. Events are only ever added
/// above the index's cursor; a rewind (a reorg) is the only way blocks already folded can change, and it counts in
/// the cursor's <c>reorgs_total</c>, so a changed count (or a block below the folded one) starts again from a full
/// scan. The scan's block is the confirmed block, below the index's tip.
/// </summary>
public sealed class HoldingsFold
{
    private const string Zero = "0x0000000000000000000000000000000000000000";
    private readonly Dictionary<(string Token, string Holder), BigInteger> _erc20 = [];
    private readonly Dictionary<(string Token, BigInteger TokenId), string> _erc721 = [];
    private long _block = -1;
    private long _reorgs = -1;

    /// <summary>The block folded up to, -1 before the first scan.</summary>
    public long Block => _block;

    public void Clear()
    {
        _erc20.Clear();
        _erc721.Clear();
        _block = -1;
        _reorgs = -1;
    }

    /// <summary>Brings the holdings to <paramref name="block"/>: the transfers since the folded block, or all of them after a reorg.</summary>
    public async Task AdvanceAsync(NpgsqlConnection connection, string factory, long block, long reorgsTotal, CancellationToken ct)
    {
        if (reorgsTotal != _reorgs || block < _block)
        {
            Clear();
            _reorgs = reorgsTotal;
        }
        if (block == _block)
        {
            return;
        }
        // Both reads before any change: a failed read leaves the fold at its block, to be advanced again next scan.
        var changes = await HoldingsQuery.Erc20BalancesAsync(connection, factory, _block, block, ct);
        var moves = await HoldingsQuery.Erc721OwnersAsync(connection, factory, _block, block, ct);
        foreach (var (token, holder, delta) in changes)
        {
            var balance = _erc20.GetValueOrDefault((token, holder)) + delta;
            if (balance.IsZero)
            {
                _erc20.Remove((token, holder));
            }
            else
            {
                _erc20[(token, holder)] = balance;
            }
        }
        foreach (var (token, tokenId, owner) in moves)
        {
            if (owner == Zero)
            {
                _erc721.Remove((token, tokenId));
            }
            else
            {
                _erc721[(token, tokenId)] = owner;
            }
        }
        _block = block;
    }

    /// <summary>Every (token, holder) with a non-zero balance.</summary>
    public IEnumerable<(string Token, string Holder, BigInteger Amount)> Erc20Balances() =>
        _erc20.Select(b => (b.Key.Token, b.Key.Holder, b.Value));

    /// <summary>The owner of every existing token id.</summary>
    public IEnumerable<(string Token, BigInteger TokenId, string Owner)> Erc721Owners() =>
        _erc721.Select(o => (o.Key.Token, o.Key.TokenId, o.Value));
}
