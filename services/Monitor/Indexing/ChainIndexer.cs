using System.Diagnostics;
using System.Threading.Channels;
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

    // Logs whose block's header is read after the range: history needs the time of every mint's and burn's block.
    private static readonly HashSet<Hash32> TimedTopics =
    [
        TokenizerEvents.Topic0<Erc20MintedEvent>(), TokenizerEvents.Topic0<Erc20BurnedEvent>(),
        TokenizerEvents.Topic0<Erc721MintedEvent>(), TokenizerEvents.Topic0<Erc721BurnedEvent>(),
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
        var previousTip = indexed >= 0 ? (await IndexStore.GetBlockAsync(connection, key, indexed, ct))?.Hash : null;
        long newEvents = 0;
        DateTimeOffset? tipTime = null;

        // Pipelined: each range's token logs go from the node's answer into its COPY as they are parsed, and the next
        // range is requested (RPC only) while this one's rows are stored and committed on the lease's connection. Each
        // range is checked against the previous range's tip hash held in memory, which is exactly what that range
        // stored for its tip: the chain of checks is the one a stored tip would give.
        var ranges = Channel.CreateBounded<RangeLogs>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reading = ReadAheadAsync(ranges.Writer, factory, tokens, indexed, head, clock, budget, stopReading.Token);
        try
        {
            // A failed read (a node error) ends this loop with its exception once the ranges read before it are stored.
            await foreach (var range in ranges.Reader.ReadAllAsync(ct))
            {
                var (count, tip) = await StoreRangeAsync(connection, key, cursor.FactoryId, range, previousTip, ct);
                newEvents += count;
                indexed = range.To;
                previousTip = range.Tip.Hash.ToString();
                tipTime = tip;
                await publisher.PublishAsync(connection, factory, head - _options.ConfirmationDepth, ct);
            }
        }
        finally
        {
            await stopReading.CancelAsync();
            await reading; // never throws: its failure went into the channels
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

    /// <summary>
    /// Reads the ranges from <paramref name="indexed"/> + 1 on into <paramref name="writer"/>, until the head or the
    /// budget; at least two ranges, so that a range longer than the budget still has the next one requested while it
    /// is stored. A range's logs are handed over while its answer is read; the next range is requested once they all
    /// are and its headers are read.
    /// </summary>
    private async Task ReadAheadAsync(
        ChannelWriter<RangeLogs> writer, Address factory, Dictionary<Address, IndexedToken> tokens, long indexed,
        long head, Stopwatch clock, TimeSpan budget, CancellationToken ct)
    {
        await Task.Yield(); // the caller goes on to store while this reads
        try
        {
            for (var read = 0; indexed < head && (read < 2 || clock.Elapsed < budget); read++)
            {
                indexed = await ReadRangeAsync(writer, factory, tokens, indexed, head, ct);
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    /// <summary>
    /// Reads the range above <paramref name="indexed"/> (RPC only, no database): the tip's header, the factory's
    /// logs, then the tokens' logs, handed to the store through the range's channel as they are parsed, then the
    /// headers to check them against. Returns the range's last block.
    /// </summary>
    private async Task<long> ReadRangeAsync(
        ChannelWriter<RangeLogs> writer, Address factory, Dictionary<Address, IndexedToken> tokens, long indexed, long head, CancellationToken ct)
    {
        while (true)
        {
            var from = indexed + 1;
            var to = Math.Min(head, from + _chunk - 1);
            var tipBefore = await rpc.GetBlockByNumberAsync(BlockTag.Number((ulong)to), ct)
                ?? throw new InvalidOperationException($"The node has no block {to} below its head {head}.");
            var read = Stopwatch.StartNew();
            var newTokens = new List<IndexedToken>();
            IAsyncEnumerator<IReadOnlyList<LogEntry>>? answer = null;
            var handedOver = false;
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
                var factoryMs = read.ElapsedMilliseconds;
                var addresses = tokens.Keys.ToHashSet();

                // The first part of the answer before the range is handed over: a node that refuses the range says
                // so there, and the range is then read again smaller.
                IReadOnlyList<LogEntry> first = [];
                if (addresses.Count > 0)
                {
                    answer = StreamLogs([.. addresses], from, to, ct).GetAsyncEnumerator(ct);
                    first = await answer.MoveNextAsync() ? answer.Current : [];
                }
                var events = Channel.CreateBounded<IReadOnlyList<EventRow>>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
                var checkedRange = new TaskCompletionSource<RangeHeaders>(TaskCreationOptions.RunContinuationsAsynchronously);
                await writer.WriteAsync(new RangeLogs(indexed, to, tipBefore, newTokens, events.Reader, checkedRange.Task), ct);
                handedOver = true;
                _chunk = Math.Min(Math.Max(1, _options.MaxBlocksPerBatch), _chunk * 2);
                try
                {
                    // After the logs: the tip again, the previous tip, and the blocks of mints and burns (history
                    // carries their times). Read here, not while the next range is read, so that they never wait
                    // behind its eth_getLogs on the node.
                    var asked = new List<long>();
                    long decoding = 0;
                    for (var batch = first; batch.Count > 0; batch = answer is not null && await answer.MoveNextAsync() ? answer.Current : [])
                    {
                        var decodeStart = Stopwatch.GetTimestamp();
                        var rows = new List<EventRow>(batch.Count);
                        foreach (var log in batch)
                        {
                            if (!log.Removed && addresses.Contains(log.Address) && TokenizerEvents.TryDecode(log, out var decoded) && ToRow(decoded) is { } row)
                            {
                                rows.Add(row);
                                if (TimedTopics.Contains(log.Topics[0]))
                                {
                                    asked.Add(row.BlockNumber);
                                }
                            }
                        }
                        decoding += Stopwatch.GetTimestamp() - decodeStart;
                        await events.Writer.WriteAsync(rows, ct);
                    }
                    events.Writer.Complete();
                    var logsMs = read.ElapsedMilliseconds - factoryMs;
                    asked.Add(to);
                    if (indexed >= 0)
                    {
                        asked.Add(indexed);
                    }
                    var headers = await GetBlocksAsync(asked, ct);
                    checkedRange.SetResult(new RangeHeaders(headers, new ReadTimes(factoryMs, logsMs, read.ElapsedMilliseconds - factoryMs - logsMs, Ms(decoding))));
                    return to;
                }
                catch (Exception e)
                {
                    // The store side sees the failure wherever it waits, and keeps nothing of the range.
                    events.Writer.TryComplete(e);
                    checkedRange.TrySetException(e);
                    throw;
                }
            }
            catch (RpcException e) when (e.IsTooManyResults && to > from && !handedOver)
            {
                foreach (var token in newTokens)
                {
                    tokens.Remove(Address.Parse(token.Address)); // learned again when the smaller range is read
                }
                _chunk = Math.Max(1, (to - from + 1) / 2);
                LogRangeRefused(logger, from, to, _chunk);
            }
            finally
            {
                if (answer is not null)
                {
                    await answer.DisposeAsync();
                }
            }
        }
    }

    /// <summary>
    /// Stores one range in one transaction: its new tokens, its events (decoded into the COPY while the node's answer
    /// is still being read), its block hashes and the cursor. Committed only when the range checks out: the tip's hash
    /// before and after the read, the previous range's tip (<paramref name="previousTip"/>, null when none is stored)
    /// and the block of every event with a block time agree, or a reorg replaced blocks during the read and nothing of
    /// the range is kept. Returns the events stored and the tip's time.
    /// </summary>
    private async Task<(int Count, DateTimeOffset TipTime)> StoreRangeAsync(
        NpgsqlConnection connection, string key, int factoryId, RangeLogs range, string? previousTip, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var addressBytes = new AddressBytes();
        var blockHashes = new HashSet<(long Number, Hash32 Hash)>();
        var count = 0;
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await IndexStore.SaveTokensAsync(connection, transaction, key, range.NewTokens, ct);
        // Where the store's time goes, for the debug line: waiting for the read's rows, and writing them (the COPY's
        // buffer is sent to PostgreSQL as it fills, so a slow server shows here) and completing.
        long waiting = 0, writing = 0;
        await using (var importer = await IndexStore.BeginEventImportAsync(connection, ct))
        {
            var reader = range.Events;
            while (true)
            {
                var waited = Stopwatch.GetTimestamp();
                var more = await reader.WaitToReadAsync(ct);
                waiting += Stopwatch.GetTimestamp() - waited;
                if (!more)
                {
                    break;
                }
                while (reader.TryRead(out var batch))
                {
                    var writeStart = Stopwatch.GetTimestamp();
                    foreach (var e in batch)
                    {
                        IndexStore.WriteEvent(importer, factoryId, e, addressBytes);
                        blockHashes.Add((e.BlockNumber, e.BlockHash));
                    }
                    writing += Stopwatch.GetTimestamp() - writeStart;
                    count += batch.Count;
                }
            }
            var completing = Stopwatch.GetTimestamp();
            await importer.CompleteAsync(ct);
            writing += Stopwatch.GetTimestamp() - completing;
        }
        var copyMs = clock.ElapsedMilliseconds;
        var split = new StoreTimes(Ms(waiting), Ms(writing));
        var (headers, read) = await range.Checked;

        // Equal hashes before and after the read (the tip, the previous tip, every block read again) prove no reorg
        // replaced blocks of this range while it was read.
        var check = Stopwatch.StartNew();
        var consistent = headers[range.To]?.Hash == range.Tip.Hash
            && (previousTip is null || headers[range.Indexed]?.Hash.ToString() == previousTip)
            && blockHashes.All(b => headers.GetValueOrDefault(b.Number) is not { } h || h.Hash == b.Hash);
        if (!consistent)
        {
            await transaction.RollbackAsync(ct);
            throw new ChainMovedException($"Blocks {range.Indexed + 1}–{range.To} changed while they were read; the next cycle re-reads them.");
        }
        var checkMs = check.ElapsedMilliseconds;

        var blocks = blockHashes.Where(b => b.Number != range.To)
            .Select(b => new StoredBlock(b.Number, b.Hash.ToString(), headers.GetValueOrDefault(b.Number)?.Time))
            .Append(new StoredBlock(range.To, range.Tip.Hash.ToString(), range.Tip.Time)).ToList();
        await IndexStore.SaveBlocksAsync(connection, transaction, key, blocks, range.To, ct);
        await transaction.CommitAsync(ct);
        LogRangeIndexed(logger, range.Indexed + 1, range.To, count, read.Total, read.FactoryMs, read.LogsMs, read.DecodingMs, read.HeadersMs,
            copyMs, split.WaitingMs, split.WritingMs, checkMs, clock.ElapsedMilliseconds - copyMs - checkMs);
        return (count, range.Tip.Time);
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

    private IAsyncEnumerable<IReadOnlyList<LogEntry>> StreamLogs(IReadOnlyList<Address> addresses, long from, long to, CancellationToken ct) =>
        rpc.StreamLogsAsync(new LogFilter
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

    private static EventRow? ToRow(ContractEvent decoded)
    {
        var log = decoded.Log;
        EventRow Make(string kind, Address? from = null, Address? to = null, System.Numerics.BigInteger? amount = null,
            string? ids = null, Hash32? command = null, bool? flag = null) =>
            new((long)log.BlockNumber!.Value, log.BlockHash!.Value, (int)log.LogIndex!.Value, log.TransactionHash!.Value,
                log.Address, kind, from, to, amount, ids, command, flag);

        return decoded switch
        {
            Erc20TransferEvent t => Make(EventKinds.Transfer, t.From, t.To, t.Value),
            Erc721TransferEvent t => Make(EventKinds.Transfer, t.From, t.To, t.TokenId),
            Erc20MintedEvent m => Make(EventKinds.Mint, to: m.To, amount: m.Amount, command: m.CommandId),
            Erc20BurnedEvent b => Make(EventKinds.Burn, from: b.From, amount: b.Amount, command: b.CommandId),
            Erc721MintedEvent m => Make(EventKinds.Mint, to: m.To, amount: m.Count, ids: string.Join(',', m.TokenIds.Select(Decimal)), command: m.CommandId),
            Erc721BurnedEvent b => Make(EventKinds.Burn, from: b.From, amount: b.TokenIds.Count, ids: string.Join(',', b.TokenIds.Select(Decimal)), command: b.CommandId),
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

    private static long Ms(long ticks) => ticks * 1000 / Stopwatch.Frequency;

    /// <summary>A range's store, split: waiting for the read's rows, writing them into the COPY.</summary>
    private readonly record struct StoreTimes(long WaitingMs, long WritingMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blocks {From}-{To}: {Events} events, logs and headers read in {ReadMs} ms (factory's logs {FactoryMs} ms, tokens' logs {LogsMs} ms, of which decoding {DecodingMs} ms, headers {HeadersMs} ms), copied as they came in {CopyMs} ms (waiting for rows {WaitingMs} ms, writing rows {WritingMs} ms), checked in {CheckMs} ms, committed in {StoreMs} ms")]
    private static partial void LogRangeIndexed(
        ILogger logger, long from, long to, int events, long readMs, long factoryMs, long logsMs, long decodingMs, long headersMs, long copyMs,
        long waitingMs, long writingMs, long checkMs, long storeMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "The node refused blocks {From}-{To}; ranges are now {Chunk} blocks")]
    private static partial void LogRangeRefused(ILogger logger, long from, long to, long chunk);
}
