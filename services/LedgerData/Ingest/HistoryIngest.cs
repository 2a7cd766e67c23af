using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tokenizer.Messages.Monitor;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.LedgerData.Ingest;

/// <summary>What became of one history batch.</summary>
public enum BatchOutcome
{
    /// <summary>Applied, with any held batches that now follow it.</summary>
    Applied,
    /// <summary>Already applied (a redelivery, a replay, or an older batch): nothing changed.</summary>
    AlreadyApplied,
    /// <summary>Ahead of a gap: held until the missing batches arrive (a replay was requested).</summary>
    Held,
}

/// <summary>
/// Applies <see cref="HistoryBatchConfirmed"/> batches to the history in feed order, each in one transaction. The feed's
/// row is locked first, so competing consumers (replicas, or a second deployment on the same database) apply a feed
/// one batch at a time; a batch at or below the stored sequence changes nothing; one beyond a gap is held and a replay
/// asked for through the outbox, and is applied once the gap is filled.
/// </summary>
public sealed partial class HistoryIngest(NpgsqlDataSource dataSource, TimeProvider time, ILogger<HistoryIngest> logger)
{
    /// <summary>Who asks for replays (<see cref="HistoryReplayRequested.Consumer"/>).</summary>
    public const string ConsumerName = "ledgerdata";

    // A lost replay request must not stall the feed for good, and a burst of early batches must not flood the Monitor.
    private static readonly TimeSpan ReplayRequestInterval = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly FeedTurns _turns = new(time);

    public async Task<BatchOutcome> ApplyAsync(HistoryBatchConfirmed batch, CancellationToken ct)
    {
        var feed = FeedValues.FeedKey(batch.Factory);
        // Validate the whole batch before touching the database: a bad event refuses the batch, never half of it. This
        // runs while the feed's previous batch is still being written (two are in flight, see the consumer definition).
        var rows = HistoryRows.From(batch, feed);
        await _turns.WaitAsync(feed, batch.Sequence, ct);
        (BatchOutcome Outcome, long Position)? written = null;
        try
        {
            try
            {
                written = await WriteAsync(batch, feed, rows, plainInsert: true, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == HistoryRows.EventKey)
            {
                // An event of the batch is stored already (the same event from another feed, or twice in the batch): the
                // transaction was rolled back whole, and the batch is written again skipping what is stored.
                LogStoredEventInBatch(logger, feed, batch.Sequence);
                written = await WriteAsync(batch, feed, rows, plainInsert: false, ct);
            }
            return written.Value.Outcome;
        }
        finally
        {
            _turns.Done(feed, written?.Position, written?.Outcome == BatchOutcome.Held);
        }
    }

    /// <summary>
    /// Writes one validated batch in its own transaction (see <see cref="HistoryRows.AddWrites"/>): what became of it,
    /// and the feed's stored position after it.
    /// </summary>
    private async Task<(BatchOutcome Outcome, long Position)> WriteAsync(HistoryBatchConfirmed batch, string feed, HistoryRows rows, bool plainInsert, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // One round trip for the usual case, the next batch: lock the feed's row, read its position, and write the
        // batch under the condition that the position is the one before it (so nothing is written otherwise).
        var (last, anyHeld) = await LockAndApplyAsync(connection, transaction, feed, rows, batch.Sequence, plainInsert, ct);
        if (batch.Sequence <= last)
        {
            await transaction.CommitAsync(ct);
            LogAlreadyApplied(logger, feed, batch.Sequence, last);
            return (BatchOutcome.AlreadyApplied, last);
        }

        if (batch.Sequence > last + 1)
        {
            await HoldAsync(connection, transaction, feed, batch, ct);
            await RequestReplayIfDueAsync(connection, transaction, feed, batch.Factory, last + 1, ct);
            await transaction.CommitAsync(ct);
            LogHeld(logger, feed, batch.Sequence, last + 1);
            return (BatchOutcome.Held, last);
        }

        last = batch.Sequence;
        if (anyHeld)
        {
            while (await TakeHeldAsync(connection, transaction, feed, last + 1, ct) is { } held)
            {
                await using var apply = new NpgsqlBatch(connection, transaction);
                HistoryRows.From(held, feed).AddWrites(apply, held.Sequence);
                await apply.ExecuteNonQueryAsync(ct);
                last = held.Sequence;
            }

            var stillHeld = await DropAppliedHeldAsync(connection, transaction, feed, last, ct);
            await using (var update = new NpgsqlCommand(
                "update history_feeds set replay_requested_at = case when @stillHeld then replay_requested_at end where feed = @feed",
                connection, transaction))
            {
                update.Parameters.AddWithValue("stillHeld", stillHeld);
                update.Parameters.AddWithValue("feed", feed);
                await update.ExecuteNonQueryAsync(ct);
            }
            if (stillHeld)
            {
                await RequestReplayIfDueAsync(connection, transaction, feed, batch.Factory, last + 1, ct);
            }
        }

        await transaction.CommitAsync(ct);
        LogApplied(logger, feed, batch.Sequence, last);
        return (BatchOutcome.Applied, last);
    }

    /// <summary>The feed's position before this batch, and whether any batch of the feed is held.</summary>
    private static async Task<(long Last, bool AnyHeld)> LockAndApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string feed, HistoryRows rows, long sequence, bool plainInsert, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var create = new NpgsqlBatchCommand("insert into history_feeds (feed) values ($1) on conflict do nothing");
        create.Parameters.Add(new NpgsqlParameter<string> { TypedValue = feed });
        batch.BatchCommands.Add(create);
        var lockFeed = new NpgsqlBatchCommand("select last_sequence from history_feeds where feed = $1 for update");
        lockFeed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = feed });
        batch.BatchCommands.Add(lockFeed);
        rows.AddWrites(batch, sequence, plainInsert);
        var held = new NpgsqlBatchCommand("select exists (select from history_pending_batches where feed = $1)");
        held.Parameters.Add(new NpgsqlParameter<string> { TypedValue = feed });
        batch.BatchCommands.Add(held);

        // Only the lock and the last statement return rows.
        var values = new List<object>(2);
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            do
            {
                while (reader.FieldCount > 0 && await reader.ReadAsync(ct))
                {
                    values.Add(reader.GetValue(0));
                }
            }
            while (await reader.NextResultAsync(ct));
        }
        return ((long)values[0], (bool)values[1]);
    }

    private static async Task HoldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string feed, HistoryBatchConfirmed batch, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "insert into history_pending_batches (feed, sequence, body) values (@feed, @sequence, @body) on conflict do nothing", connection, transaction);
        command.Parameters.AddWithValue("feed", feed);
        command.Parameters.AddWithValue("sequence", batch.Sequence);
        command.Parameters.Add(new NpgsqlParameter("body", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(batch, JsonOptions) });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<HistoryBatchConfirmed?> TakeHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string feed, long sequence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "delete from history_pending_batches where feed = @feed and sequence = @sequence returning body::text", connection, transaction);
        command.Parameters.AddWithValue("feed", feed);
        command.Parameters.AddWithValue("sequence", sequence);
        return await command.ExecuteScalarAsync(ct) is string body ? JsonSerializer.Deserialize<HistoryBatchConfirmed>(body, JsonOptions) : null;
    }

    /// <summary>Drops held copies of batches already applied; true when batches beyond another gap are still held.</summary>
    private static async Task<bool> DropAppliedHeldAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string feed, long last, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            delete from history_pending_batches where feed = @feed and sequence <= @last;
            select exists (select 1 from history_pending_batches where feed = @feed);
            """, connection, transaction);
        command.Parameters.AddWithValue("feed", feed);
        command.Parameters.AddWithValue("last", last);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task RequestReplayIfDueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string feed, string? factory, long fromSequence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            update history_feeds set replay_requested_at = @now
            where feed = @feed and (replay_requested_at is null or replay_requested_at < @due)
            """, connection, transaction);
        var now = time.GetUtcNow();
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("due", now - ReplayRequestInterval);
        command.Parameters.AddWithValue("feed", feed);
        if (await command.ExecuteNonQueryAsync(ct) == 1)
        {
            await Outbox.EnqueueAsync(connection, transaction, new HistoryReplayRequested(ConsumerName, fromSequence, factory), ct);
            LogReplayRequested(logger, feed, fromSequence);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "History feed '{Feed}': batch {Sequence} already applied (stored {Last})")]
    private static partial void LogAlreadyApplied(ILogger logger, string feed, long sequence, long last);

    [LoggerMessage(Level = LogLevel.Debug, Message = "History feed '{Feed}': batch {Sequence} names an event stored already; written again skipping it")]
    private static partial void LogStoredEventInBatch(ILogger logger, string feed, long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "History feed '{Feed}': batch {Sequence} held until {Missing} arrives")]
    private static partial void LogHeld(ILogger logger, string feed, long sequence, long missing);

    [LoggerMessage(Level = LogLevel.Debug, Message = "History feed '{Feed}': batch {Sequence} applied, feed at {Last}")]
    private static partial void LogApplied(ILogger logger, string feed, long sequence, long last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History feed '{Feed}': asked for a replay from {FromSequence}")]
    private static partial void LogReplayRequested(ILogger logger, string feed, long fromSequence);
}
