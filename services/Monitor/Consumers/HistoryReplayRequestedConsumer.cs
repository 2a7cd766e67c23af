using System.Text.Json;
using MassTransit;
using Npgsql;
using Tokenizer.Chain.Primitives;
using Tokenizer.Messages.Monitor;
using Tokenizer.Monitor.Indexing;
using Tokenizer.ServiceDefaults.Messaging;

namespace Tokenizer.Monitor.Consumers;

/// <summary>
/// Republishes stored history batches from the asked sequence on, with their original sequence numbers (a consumer
/// ignores those it has). Any instance may answer: the batches are in the shared database, whoever leads.
/// </summary>
public sealed partial class HistoryReplayRequestedConsumer(NpgsqlDataSource dataSource, ILogger<HistoryReplayRequestedConsumer> logger)
    : IConsumer<HistoryReplayRequested>
{
    public async Task Consume(ConsumeContext<HistoryReplayRequested> context)
    {
        var request = context.Message;
        string? factory = null;
        if (request.Factory is not null)
        {
            if (!Address.TryParse(request.Factory, out var parsed))
            {
                LogBadRequest(logger, request.Consumer);
                return;
            }
            factory = ChainIndexer.FactoryKey(parsed);
        }
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        var bodies = await IndexStore.ReadBatchesAsync(connection, factory, Math.Max(1, request.FromSequence), context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        foreach (var body in bodies)
        {
            var batch = JsonSerializer.Deserialize<HistoryBatchConfirmed>(body, HistoryPublisher.JsonOptions)!;
            await Outbox.EnqueueAsync(connection, transaction, batch, context.CancellationToken);
        }
        await transaction.CommitAsync(context.CancellationToken);
        LogReplayed(logger, bodies.Count, request.Consumer, request.FromSequence);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} history batches for {Consumer} from sequence {From}")]
    private static partial void LogReplayed(ILogger logger, int count, string consumer, long from);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay request from {Consumer} names no valid factory; ignored")]
    private static partial void LogBadRequest(ILogger logger, string consumer);
}
