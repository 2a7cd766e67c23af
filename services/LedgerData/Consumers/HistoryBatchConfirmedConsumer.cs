using MassTransit;
using Tokenizer.LedgerData.Ingest;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.LedgerData.Consumers;

/// <summary>Applies the Monitor's confirmed history batches in feed order (see <see cref="HistoryIngest"/>).</summary>
public sealed class HistoryBatchConfirmedConsumer(HistoryIngest ingest) : IConsumer<HistoryBatchConfirmed>
{
    public async Task Consume(ConsumeContext<HistoryBatchConfirmed> context) =>
        await ingest.ApplyAsync(context.Message, context.CancellationToken);
}
