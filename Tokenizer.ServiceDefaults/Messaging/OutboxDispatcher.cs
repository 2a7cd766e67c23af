using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Tokenizer.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows in order. Woken by <c>NOTIFY</c> on commit, with a polling fallback. Rows are
/// claimed with <c>FOR UPDATE SKIP LOCKED</c>, so replicas share the work without publishing a row twice; a crash
/// between publish and mark republishes with the same MessageId, which consumers' inbox absorbs. Rows of a type the
/// service declared unordered (<see cref="OutboxOptions.PublishUnordered{T}"/>) are published concurrently with their
/// unordered neighbours; every other row waits until everything before it is confirmed by the broker.
/// </summary>
public sealed partial class OutboxDispatcher(NpgsqlDataSource dataSource, IBus bus, IOptions<OutboxOptions> options, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private readonly IReadOnlySet<Type> _unordered = options.Value.UnorderedTypes;
    private const int BatchSize = 100;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _signal = new(0);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await DispatchBatchAsync(stoppingToken);
                failures = 0;
                if (published == BatchSize)
                {
                    continue;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                LogDispatchFailed(logger, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, Math.Min(failures, 8)))), stoppingToken);
                continue;
            }
            await _signal.WaitAsync(PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Publishes up to one batch of pending messages; returns how many.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<(long Sequence, Guid Id, string Type, string Body, string? TraceParent)>();
        await using (var select = new NpgsqlCommand(
            """
            select sequence, message_id, message_type, body::text, trace_parent from outbox_messages
            where dispatched_at is null and parked_at is null order by sequence limit @limit for update skip locked
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("limit", BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
        if (rows.Count == 0)
        {
            return 0;
        }

        var published = new List<long>(rows.Count);
        var inFlight = new List<(long Sequence, Task Publish)>();
        foreach (var row in rows)
        {
            var type = Type.GetType(row.Type, throwOnError: false);
            if (type is null)
            {
                // Poison row (type removed or renamed): park it with the reason instead of blocking the queue.
                await MarkFailedAsync(connection, transaction, row.Sequence, $"unknown message type {row.Type}", park: true, cancellationToken);
                continue;
            }
            var unordered = _unordered.Contains(type);
            if (!unordered && !await SettleAsync(connection, transaction, inFlight, published, cancellationToken))
            {
                break; // keep order: this row waits for the ones before it
            }
            var message = JsonSerializer.Deserialize(row.Body, type, Outbox.JsonOptions)!;
            inFlight.Add((row.Sequence, PublishAsync(row.Id, row.TraceParent, type, message, cancellationToken)));
            if (!unordered && !await SettleAsync(connection, transaction, inFlight, published, cancellationToken))
            {
                break; // keep order: later rows wait for this one
            }
        }
        await SettleAsync(connection, transaction, inFlight, published, cancellationToken);

        if (published.Count > 0)
        {
            await using var mark = new NpgsqlCommand(
                "update outbox_messages set dispatched_at = now(), attempts = attempts + 1 where sequence = any(@sequences)", connection, transaction);
            mark.Parameters.AddWithValue("sequences", published.ToArray());
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return published.Count;
    }

    private async Task PublishAsync(Guid id, string? traceParent, Type type, object message, CancellationToken cancellationToken)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = Outbox.ActivitySource.StartActivity($"outbox publish {type.Name}", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", id.ToString());
        await bus.Publish(message, type, context => context.MessageId = id, cancellationToken);
    }

    /// <summary>Waits for the publishes in flight; false when any failed (recorded on its row, left pending).</summary>
    private static async Task<bool> SettleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(long Sequence, Task Publish)> inFlight,
        List<long> published, CancellationToken cancellationToken)
    {
        var ok = true;
        foreach (var (sequence, publish) in inFlight)
        {
            try
            {
                await publish;
                published.Add(sequence);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await MarkFailedAsync(connection, transaction, sequence, ex.Message, park: false, cancellationToken);
                ok = false;
            }
        }
        inFlight.Clear();
        return ok;
    }

    private static async Task MarkFailedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long sequence, string error, bool park, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            park
                ? "update outbox_messages set attempts = attempts + 1, last_error = @error, parked_at = now() where sequence = @sequence"
                : "update outbox_messages set attempts = attempts + 1, last_error = @error where sequence = @sequence",
            connection, transaction);
        command.Parameters.AddWithValue("error", error.Length > 2000 ? error[..2000] : error);
        command.Parameters.AddWithValue("sequence", sequence);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => _signal.Release();
                await using (var listen = new NpgsqlCommand($"listen {Outbox.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Polling still delivers; the listener only shortens the delay.
                LogListenFailed(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed; retrying with backoff")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox LISTEN connection lost: {Reason}")]
    private static partial void LogListenFailed(ILogger logger, string reason);
}
