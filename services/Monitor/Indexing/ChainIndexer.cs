using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// Reads the factory's and its tokens' logs into the index, range by range, and repairs the index after a reorg.
/// Each range is one PostgreSQL transaction (events, block hashes, cursor), so a restart resumes at the cursor.
/// </summary>
public sealed partial class ChainIndexer(
    EthRpcClient rpc, HistoryPublisher publisher, MonitorState state, IOptions<MonitorOptions> options, ILogger<ChainIndexer> logger)
{
    private static readonly IReadOnlyList<Hash32> Topics =
    [
        TokenizerEvents.Topic0<Erc20TransferEvent>(), TokenizerEvents.Topic0<Erc20MintedEvent>(), TokenizerEvents.Topic0<Erc20BurnedEvent>(),
        TokenizerEvents.Topic0<Erc721MintedEvent>(), TokenizerEvents.Topic0<Erc721BurnedEvent>(),
        TokenizerEvents.Topic0<PausedEvent>(), TokenizerEvents.Topic0<UnpausedEvent>(), TokenizerEvents.Topic0<TransfersLockChangedEvent>(),
        TokenizerEvents.Topic0<AccountFrozenSetEvent>(), TokenizerEvents.Topic0<AccountApprovalSetEvent>(), TokenizerEvents.Topic0<TokenDeployedEvent>(),
    ];

    private readonly MonitorOptions _options = options.Value;
    private long _chunk = Math.Max(1, options.Value.MaxBlocksPerBatch);

    /// <summary>
    /// One indexing pass: repairs a reorg if the stored tip left the chain, then indexes ranges until the head or
    /// <paramref name="budget"/> is reached, publishing final history after each range. Returns the head seen.
    /// </summary>
    public async Task IndexAsync(NpgsqlConnection connection, Address factory, TimeSpan budget, CancellationToken ct)
    {
        var key = FactoryKey(factory);
        var head = (long)await rpc.GetBlockNumberAsync(ct);
        var cursor = await IndexStore.GetCursorAsync(connection, key, ct);
        if (cursor is null)
        {
            if (await FindStartBlockAsync(factory, head, ct) is not { } start)
            {
                return; // the factory is not deployed yet: TokenAdmin deploys it in the background on a local chain
            }
            await IndexStore.CreateCursorAsync(connection, key, (long)await rpc.GetChainIdAsync(ct), start, ct);
            cursor = (await IndexStore.GetCursorAsync(connection, key, ct))!;
            LogStarting(logger, factory.ToString(), start);
        }

        if (await FindReorgAncestorAsync(connection, key, cursor, ct) is { } ancestor)
        {
            await publisher.RewindAsync(connection, factory, ancestor, cursor, ct);
            cursor = (await IndexStore.GetCursorAsync(connection, key, ct))!;
        }

        var clock = Stopwatch.StartNew();
        var tokens = (await IndexStore.GetTokensAsync(connection, key, ct)).ToDictionary(t => Address.Parse(t.Address));
        var indexed = cursor.IndexedBlock;
        long newEvents = 0;
        DateTimeOffset? tipTime = null;
        while (indexed < head && clock.Elapsed < budget)
        {
            var (count, to, time) = await IndexRangeAsync(connection, key, factory, tokens, indexed, head, ct);
            newEvents += count;
            indexed = to;
            tipTime = time;
            await publisher.PublishAsync(connection, factory, head - _options.ConfirmationDepth, ct);
        }
        await publisher.PublishAsync(connection, factory, head - _options.ConfirmationDepth, ct);

        var lagSeconds = 0.0;
        if (indexed < head)
        {
            var headBlock = await rpc.GetBlockByNumberAsync(BlockTag.Number((ulong)head), ct);
            tipTime ??= (await IndexStore.GetBlockAsync(connection, key, indexed, ct))?.Time;
            lagSeconds = headBlock is not null && tipTime is { } t ? Math.Max(0, (headBlock.Time - t).TotalSeconds) : 0;
        }
        cursor = (await IndexStore.GetCursorAsync(connection, key, ct))!;
        state.Indexed(cursor.ChainId, head, indexed, Math.Min(indexed, head - _options.ConfirmationDepth), lagSeconds, cursor.ReorgsTotal, newEvents);
    }

    private async Task<(long Events, long To, DateTimeOffset Time)> IndexRangeAsync(
        NpgsqlConnection connection, string key, Address factory, Dictionary<Address, IndexedToken> tokens, long indexed, long head, CancellationToken ct)
    {
        while (true)
        {
            var from = indexed + 1;
            var to = Math.Min(head, from + _chunk - 1);
            var tipBefore = await rpc.GetBlockByNumberAsync(BlockTag.Number((ulong)to), ct)
                ?? throw new InvalidOperationException($"The node has no block {to} below its head {head}.");
            var read = Stopwatch.StartNew();
            IReadOnlyList<LogEntry> logs;
            var newTokens = new List<IndexedToken>();
            try
            {
                // The factory's own logs first (a small read): the tokens it deployed in this range are then known,
                // so that one read of every token's logs covers the range, a new token's first events included.
                foreach (var log in await GetLogsAsync([factory], from, to, ct))
                {
                    if (!log.Removed && TokenizerEvents.TryDecode(log, out var decoded) && decoded is TokenDeployedEvent deployed && !tokens.ContainsKey(deployed.Token))
                    {
                        var token = await DescribeTokenAsync(deployed, (long)log.BlockNumber!.Value, ct);
                        tokens[deployed.Token] = token;
                        newTokens.Add(token);
                    }
                }
                logs = tokens.Count == 0 ? [] : await GetLogsAsync([.. tokens.Keys], from, to, ct);
            }
            catch (RpcException e) when (e.IsTooManyResults && to > from)
            {
                foreach (var token in newTokens)
                {
                    tokens.Remove(Address.Parse(token.Address)); // learned again when the smaller range is read
                }
                _chunk = Math.Max(1, (to - from + 1) / 2);
                LogRangeRefused(logger, from, to, _chunk);
                continue;
            }
            var readMs = read.ElapsedMilliseconds;

            var events = new List<IndexedEvent>();
            foreach (var log in logs)
            {
                if (log.Removed || !tokens.ContainsKey(log.Address) || !TokenizerEvents.TryDecode(log, out var decoded))
                {
                    continue;
                }
                if (ToIndexed(decoded) is { } e)
                {
                    events.Add(e);
                }
            }

            // Block times for history (mint/burn blocks), the tip again and the previous tip: equal hashes before
            // and after the read prove no reorg replaced blocks of this range while it was read.
            var timed = events.Where(e => e.Kind is EventKinds.Mint or EventKinds.Burn).Select(e => e.BlockNumber).Distinct().ToList();
            var asked = new List<long>(timed) { to };
            if (indexed >= 0)
            {
                asked.Add(indexed);
            }
            var headers = await GetBlocksAsync(asked, ct);
            var previous = indexed >= 0 ? await IndexStore.GetBlockAsync(connection, key, indexed, ct) : null;
            var consistent = headers[to]?.Hash == tipBefore.Hash
                && (previous is null || headers[indexed]?.Hash.ToString() == previous.Hash)
                && events.All(e => headers.GetValueOrDefault(e.BlockNumber) is not { } h || h.Hash.ToString() == e.BlockHash);
            if (!consistent)
            {
                throw new ChainMovedException($"Blocks {from}–{to} changed while they were read; the next cycle re-reads them.");
            }

            var blocks = events.Select(e => (e.BlockNumber, e.BlockHash)).Distinct()
                .Select(b => new StoredBlock(b.BlockNumber, b.BlockHash, headers.GetValueOrDefault(b.BlockNumber)?.Time))
                .Where(b => b.Number != to).Append(new StoredBlock(to, tipBefore.Hash.ToString(), tipBefore.Time)).ToList();
            var store = Stopwatch.StartNew();
            await using (var transaction = await connection.BeginTransactionAsync(ct))
            {
                await IndexStore.SaveRangeAsync(connection, transaction, key, newTokens, events, blocks, to, ct);
                await transaction.CommitAsync(ct);
            }
            LogRangeIndexed(logger, from, to, events.Count, readMs, store.ElapsedMilliseconds);
            _chunk = Math.Min(Math.Max(1, _options.MaxBlocksPerBatch), _chunk * 2);
            return (events.Count, to, tipBefore.Time);
        }
    }

    /// <summary>
    /// Null when the stored tip is still on the chain; otherwise the highest stored block the chain still has
    /// (the common ancestor), or the block before the start when none is.
    /// </summary>
    private async Task<long?> FindReorgAncestorAsync(NpgsqlConnection connection, string key, IndexCursor cursor, CancellationToken ct)
    {
        if (cursor.IndexedBlock < cursor.StartBlock)
        {
            return null;
        }
        // The common case, once a cycle: the stored tip is still the chain's. One header answers it; the walk below,
        // 64 stored blocks at a time, is for when it is not.
        if (await IndexStore.GetBlockAsync(connection, key, cursor.IndexedBlock, ct) is { } tip
            && (await rpc.GetBlockByNumberAsync(BlockTag.Number((ulong)tip.Number), ct))?.Hash.ToString() == tip.Hash)
        {
            return null;
        }
        var below = cursor.IndexedBlock;
        var first = true;
        while (true)
        {
            var stored = await IndexStore.GetBlocksDescendingAsync(connection, key, below, 64, ct);
            if (stored.Count == 0)
            {
                return cursor.StartBlock - 1;
            }
            var chain = await GetBlocksAsync(stored.Select(b => b.Number).ToList(), ct);
            foreach (var block in stored)
            {
                if (chain[block.Number]?.Hash.ToString() == block.Hash)
                {
                    return first && block.Number == cursor.IndexedBlock ? null : block.Number;
                }
                first = false;
            }
            below = stored[^1].Number - 1;
        }
    }

    private async Task<IReadOnlyList<LogEntry>> GetLogsAsync(IReadOnlyList<Address> addresses, long from, long to, CancellationToken ct) =>
        await rpc.GetLogsAsync(new LogFilter
        {
            FromBlock = BlockTag.Number((ulong)from),
            ToBlock = BlockTag.Number((ulong)to),
            Addresses = addresses,
            Topics = [Topics],
        }, ct);

    private async Task<Dictionary<long, Block?>> GetBlocksAsync(IReadOnlyList<long> numbers, CancellationToken ct)
    {
        var distinct = numbers.Distinct().ToList();
        var blocks = await rpc.GetBlocksByNumberAsync(distinct.Select(n => BlockTag.Number((ulong)n)).ToList(), ct);
        return distinct.Zip(blocks).ToDictionary(p => p.First, p => p.Second);
    }

    private async Task<IndexedToken> DescribeTokenAsync(TokenDeployedEvent deployed, long block, CancellationToken ct)
    {
        var at = BlockTag.Number((ulong)block);
        if (deployed.Kind == TokenKind.Erc20)
        {
            var erc20 = new TokenizerErc20Contract(rpc, deployed.Token);
            return new IndexedToken(deployed.Token.ToString(), "ERC20", await erc20.DecimalsAsync(at, ct), await erc20.PermissionlessAsync(at, ct), block);
        }
        var erc721 = new TokenizerErc721Contract(rpc, deployed.Token);
        return new IndexedToken(deployed.Token.ToString(), "ERC721", 0, await erc721.PermissionlessAsync(at, ct), block);
    }

    /// <summary>The factory's deploy block: the first block at which it has code (binary search over eth_getCode).</summary>
    private async Task<long?> FindStartBlockAsync(Address factory, long head, CancellationToken ct)
    {
        if (_options.StartBlock is { } configured)
        {
            return configured;
        }
        if ((await rpc.GetCodeAsync(factory, BlockTag.Number((ulong)head), ct)).Length == 0)
        {
            return null;
        }
        long low = 0, high = head;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if ((await rpc.GetCodeAsync(factory, BlockTag.Number((ulong)mid), ct)).Length > 0)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    private static IndexedEvent? ToIndexed(ContractEvent decoded)
    {
        var log = decoded.Log;
        IndexedEvent Make(string kind, Address? from = null, Address? to = null, System.Numerics.BigInteger? amount = null,
            IReadOnlyList<string>? ids = null, Hash32? command = null, bool? flag = null) =>
            new((long)log.BlockNumber!.Value, log.BlockHash!.Value.ToString(), (int)log.LogIndex!.Value, log.TransactionHash!.Value.ToString(),
                log.Address.ToString(), kind, from?.ToString(), to?.ToString(), amount, ids, command?.ToString(), flag);

        return decoded switch
        {
            Erc20TransferEvent t => Make(EventKinds.Transfer, t.From, t.To, t.Value),
            Erc721TransferEvent t => Make(EventKinds.Transfer, t.From, t.To, t.TokenId),
            Erc20MintedEvent m => Make(EventKinds.Mint, to: m.To, amount: m.Amount, command: m.CommandId),
            Erc20BurnedEvent b => Make(EventKinds.Burn, from: b.From, amount: b.Amount, command: b.CommandId),
            Erc721MintedEvent m => Make(EventKinds.Mint, to: m.To, amount: m.Count, ids: m.TokenIds.Select(Decimal).ToArray(), command: m.CommandId),
            Erc721BurnedEvent b => Make(EventKinds.Burn, from: b.From, amount: b.TokenIds.Count, ids: b.TokenIds.Select(Decimal).ToArray(), command: b.CommandId),
            PausedEvent => Make(EventKinds.Paused, flag: true),
            UnpausedEvent => Make(EventKinds.Paused, flag: false),
            TransfersLockChangedEvent l => Make(EventKinds.TransfersLocked, flag: l.Locked),
            AccountFrozenSetEvent f => Make(EventKinds.Frozen, to: f.Account, flag: f.Frozen),
            AccountApprovalSetEvent a => Make(EventKinds.Approved, to: a.Account, flag: a.Approved),
            _ => null,
        };
    }

    private static string Decimal(System.Numerics.BigInteger value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The factory as the index's key: lower-case hex.</summary>
    public static string FactoryKey(Address factory) => factory.ToLowerHex();

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexing factory {Factory} from block {Start}")]
    private static partial void LogStarting(ILogger logger, string factory, long start);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blocks {From}-{To}: {Events} events, logs read in {ReadMs} ms, stored in {StoreMs} ms")]
    private static partial void LogRangeIndexed(ILogger logger, long from, long to, int events, long readMs, long storeMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "The node refused blocks {From}-{To}; ranges are now {Chunk} blocks")]
    private static partial void LogRangeRefused(ILogger logger, long from, long to, long chunk);
}
