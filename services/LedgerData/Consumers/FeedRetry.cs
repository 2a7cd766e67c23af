using MassTransit;
using Tokenizer.LedgerData.Ingest;

namespace Tokenizer.LedgerData.Consumers;

/// <summary>
/// Retry for every LedgerData consumer: a transient database or lock failure is retried with back-off; a message that
/// breaks its contract is not (it goes to the error queue at once and changes nothing). A history batch that still
/// fails ends up as a gap, which the next batch detects and has replayed.
/// </summary>
public static class FeedRetry
{
    public static void Configure(IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidFeedMessageException>();
            retry.Exponential(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300));
        });
}
