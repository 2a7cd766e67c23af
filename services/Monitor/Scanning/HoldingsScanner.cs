using System.Numerics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;
using Tokenizer.Messages.Monitor;
using Tokenizer.Monitor.Indexing;
using Tokenizer.Monitor.Status;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.Monitor.Scanning;

/// <summary>
/// The scan: every holding of every token as of the confirmed block, with its locked flag, published per token as
/// <see cref="HoldingsScanned"/> when it changed, and each token's /status figures.
/// </summary>
public sealed class HoldingsScanner(MonitorState state, IOptions<MonitorOptions> options)
{
    private static readonly string MessageType = typeof(HoldingsScanned).FullName!;
    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);

    private readonly HoldingsFold _fold = new();

    /// <summary>Forgets what was published and folded: a new leader sends every token's snapshot once, from a full scan.</summary>
    public void Reset()
    {
        _published.Clear();
        _fold.Clear();
    }

    public async Task<ScanResult> ScanAsync(NpgsqlConnection connection, Address factory, long block, DateTimeOffset scannedAt, CancellationToken ct)
    {
        var key = ChainIndexer.FactoryKey(factory);
        var tokens = await IndexStore.GetTokensAsync(connection, key, ct);
        var controls = await HoldingsQuery.ControlsAsync(connection, key, block, ct);
        var reorgs = (await IndexStore.GetCursorAsync(connection, key, ct))?.ReorgsTotal ?? 0;
        await _fold.AdvanceAsync(connection, key, block, reorgs, ct);
        var balances = _fold.Erc20Balances().ToLookup(b => b.Token);
        var owners = _fold.Erc721Owners().ToLookup(o => o.Token);

        var snapshots = new List<HoldingsScanned>();
        var figures = new Dictionary<string, TokenStatus>(StringComparer.Ordinal);
        var tokenIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var holdingsTotal = 0;
        foreach (var token in tokens.Where(t => t.DeployBlock <= block))
        {
            var control = controls.GetValueOrDefault(token.Address) ?? new TokenControlState();
            var tokenAddress = Address.Parse(token.Address);
            var entries = token.Kind == "ERC20"
                ? balances[token.Address].OrderBy(b => b.Holder, StringComparer.Ordinal)
                    .Select(b => (Entry: new HoldingEntry(Cid(tokenAddress, Address.Parse(b.Holder)), b.Holder, b.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                        control.IsLocked(b.Holder, token.Permissionless)), Amount: b.Amount)).ToList()
                : owners[token.Address].OrderBy(o => o.TokenId)
                    .Select(o => (Entry: new HoldingEntry(Cid(tokenAddress, o.TokenId), o.Owner, "1", o.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        control.IsLocked(o.Owner, token.Permissionless)), Amount: BigInteger.One)).ToList();
            holdingsTotal += entries.Count;
            if (token.Kind == "ERC721")
            {
                tokenIds[token.Address] = entries.Count;
            }

            var f = TokenFigures.Of(entries.Select(e => (e.Amount, e.Entry.PartyId, e.Entry.Locked)));
            figures[token.Address] = new TokenStatus(
                Tokenizer.Chain.Primitives.TokenAmounts.FormatUnits(f.TotalSupply, token.Decimals), Tokenizer.Chain.Primitives.TokenAmounts.FormatUnits(f.LockedSupply, token.Decimals), f.UniqueHolders,
                f.TopHolderShare, f.Hhi, scannedAt);

            var fingerprint = string.Join(';', entries.Select(e => $"{e.Entry.HoldingCid}:{e.Entry.Amount}:{e.Entry.PartyId}:{e.Entry.Locked}"));
            if (_published.GetValueOrDefault(token.Address) != fingerprint)
            {
                snapshots.Add(new HoldingsScanned(0, scannedAt, block, token.Address, token.Kind, token.Decimals, entries.Select(e => e.Entry).ToList(), factory.ToString()));
                _published[token.Address] = fingerprint;
            }
        }

        await PublishAsync(connection, factory, key, snapshots, ct);
        return new ScanResult(figures, tokenIds, holdingsTotal);
    }

    // A snapshot feed may drop: each token's next snapshot replaces the last, so a skipped one loses nothing lasting.
    private async Task PublishAsync(NpgsqlConnection connection, Address factory, string key, List<HoldingsScanned> snapshots, CancellationToken ct)
    {
        if (snapshots.Count == 0)
        {
            return;
        }
        var pending = await IndexStore.PendingOutboxAsync(connection, MessageType, factory.ToString(), ct);
        if (pending + snapshots.Count > options.Value.HoldingsQueueMax)
        {
            state.HoldingsDropped();
            foreach (var s in snapshots)
            {
                _published.Remove(s.InstrumentId);
            }
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var scanId = await IndexStore.NextScanIdAsync(connection, transaction, key, ct);
        foreach (var snapshot in snapshots)
        {
            await Outbox.EnqueueAsync(connection, transaction, snapshot with { ScanId = scanId }, ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>HoldingEntry's documented id: keccak256(token ‖ owner) for ERC20.</summary>
    public static string Cid(Address token, Address owner)
    {
        Span<byte> data = stackalloc byte[40];
        token.WriteTo(data[..20]);
        owner.WriteTo(data[20..]);
        return Hex.Encode(Keccak256.Hash(data));
    }

    /// <summary>keccak256(token ‖ uint256 id) for ERC721.</summary>
    public static string Cid(Address token, BigInteger tokenId)
    {
        Span<byte> data = stackalloc byte[52];
        token.WriteTo(data[..20]);
        var bytes = tokenId.ToByteArray(isUnsigned: true, isBigEndian: true);
        data[20..].Clear();
        bytes.CopyTo(data[(52 - bytes.Length)..]);
        return Hex.Encode(Keccak256.Hash(data));
    }
}

/// <summary>What one scan found: figures per token, ERC721 id counts, and how many holdings in all.</summary>
public sealed record ScanResult(IReadOnlyDictionary<string, TokenStatus> Tokens, IReadOnlyDictionary<string, long> Erc721TokenIds, int Holdings);
