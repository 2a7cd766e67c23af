using MassTransit;
using Tokenizer.LedgerData.Ingest;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.LedgerData.Consumers;

/// <summary>Replaces a token's holdings snapshot with a newer scan (see <see cref="HoldingsIngest"/>).</summary>
public sealed class HoldingsScannedConsumer(HoldingsIngest ingest) : IConsumer<HoldingsScanned>
{
    public async Task Consume(ConsumeContext<HoldingsScanned> context) =>
        await ingest.ApplyAsync(context.Message, context.CancellationToken);
}
