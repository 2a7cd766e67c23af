using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Primitives;
using Tokenizer.Messages.Monitor;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// The history feed: final mint/burn events, and removals of final events a deep reorg took back, as
/// <see cref="HistoryBatchConfirmed"/> batches numbered 1, 2, 3, … per factory, through the outbox in the same
/// transaction that moves the feed's position. The feed must not lose data, so a full queue pauses it (back-pressure).
/// </summary>
public sealed partial class HistoryPublisher(MonitorState state, IOptions<MonitorOptions> options, ILogger<HistoryPublisher> logger)
{
    /// <summary>Events per batch at most; a block is never split across batches.</summary>
    public const int MaxEventsPerBatch = 1_000;

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private static readonly string MessageType = typeof(HistoryBatchConfirmed).FullName!;
    private static readonly string[] HistoryKinds = [EventKinds.Mint, EventKinds.Burn];

    /// <summary>Publishes every stored event up to <paramref name="confirmedHead"/> not yet in the feed.</summary>
    public async Task PublishAsync(NpgsqlConnection connection, Address factory, long confirmedHead, CancellationToken ct)
    {
        var key = ChainIndexer.FactoryKey(factory);
        while (true)
        {
            var cursor = (await IndexStore.GetCursorAsync(connection, key, ct))!;
            var target = Math.Min(cursor.IndexedBlock, confirmedHead);
            if (target <= cursor.PublishedBlock)
            {
                state.Backpressure(false);
                return;
            }
            var pending = await IndexStore.PendingOutboxAsync(connection, MessageType, factory.ToString(), ct);
            if (pending >= options.Value.HistoryQueueMax)
            {
                state.Backpressure(true);
                return;
            }
            state.Backpressure(false);

            var from = cursor.PublishedBlock + 1;
            var events = await IndexStore.ReadEventsAsync(connection, null, key, from, target, HistoryKinds, ct);
            if (events.Count > MaxEventsPerBatch)
            {
                var cut = events[MaxEventsPerBatch].Event.BlockNumber;
                target = cut > from ? cut - 1 : cut;
                events = events.Where(e => e.Event.BlockNumber <= target).ToList();
            }
            if (events.Count == 0)
            {
                await IndexStore.AdvancePublishedAsync(connection, null, key, target, ct);
                continue;
            }

            var tokens = (await IndexStore.GetTokensAsync(connection, key, ct)).ToDictionary(t => t.Address);
            var added = events.Select(e => ToHistory(e.Event, e.BlockTime, tokens[e.Event.Token])).ToList();
            var batch = new HistoryBatchConfirmed(cursor.NextSequence, from, target, added, [], DateTimeOffset.UtcNow, factory.ToString());
            await WriteAsync(connection, key, batch, target, ct);
        }
    }

    /// <summary>Rewinds the index to <paramref name="ancestor"/>; final events it takes back go out as removals.</summary>
    public async Task RewindAsync(NpgsqlConnection connection, Address factory, long ancestor, IndexCursor cursor, CancellationToken ct)
    {
        var key = ChainIndexer.FactoryKey(factory);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var removed = await IndexStore.RewindAsync(connection, transaction, key, ancestor, cursor.PublishedBlock, ct);
        if (removed.Count > 0)
        {
            var batch = new HistoryBatchConfirmed(
                cursor.NextSequence, ancestor + 1, cursor.PublishedBlock, [],
                removed.Select(e => new HistoryEventRemoved(e.BlockHash, e.LogIndex, e.TransactionHash)).ToList(), DateTimeOffset.UtcNow, factory.ToString());
            await RecordAsync(connection, transaction, key, batch, ancestor, ct);
        }
        await transaction.CommitAsync(ct);
        LogReorg(logger, factory.ToString(), cursor.IndexedBlock - ancestor, ancestor, removed.Count);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, string key, HistoryBatchConfirmed batch, long publishedBlock, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await RecordAsync(connection, transaction, key, batch, publishedBlock, ct);
        await transaction.CommitAsync(ct);
    }

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, HistoryBatchConfirmed batch, long publishedBlock, CancellationToken ct)
    {
        await IndexStore.RecordBatchAsync(connection, transaction, key, batch.Sequence, JsonSerializer.Serialize(batch, JsonOptions), publishedBlock, ct);
        await Outbox.EnqueueAsync(connection, transaction, batch, ct);
    }

    private static HistoryEvent ToHistory(IndexedEvent e, DateTimeOffset? blockTime, IndexedToken token) => new(
        e.Kind, e.Token, token.Kind, token.Decimals, (e.Kind == EventKinds.Mint ? e.To : e.From)!, e.CommandHash!,
        e.Amount!.Value.ToString(CultureInfo.InvariantCulture), e.TokenIds, e.TransactionHash, e.BlockNumber, e.BlockHash, e.LogIndex,
        blockTime ?? throw new InvalidOperationException($"Block {e.BlockNumber} has no stored time."));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reorg on factory {Factory}: {Depth} blocks back to block {Ancestor}; {Removed} final events removed from history")]
    private static partial void LogReorg(ILogger logger, string factory, long depth, long ancestor, int removed);
}
