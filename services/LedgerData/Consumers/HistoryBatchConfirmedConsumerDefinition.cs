using MassTransit;

namespace Tokenizer.LedgerData.Consumers;

public sealed class HistoryBatchConfirmedConsumerDefinition : ConsumerDefinition<HistoryBatchConfirmedConsumer>
{
    public HistoryBatchConfirmedConsumerDefinition() =>
        // Two batches in flight: the next one is deserialised, validated and built while the previous one is written,
        // and then waits in-process for its predecessor (FeedTurns), so each feed is still written one batch at a time
        // in order. With the default concurrency and no such turn, later batches often took the feed's lock before
        // earlier ones and were held ahead of a "gap" (stored as JSON, read back, a replay asked for): 215 of 310 in a
        // bench run. More than two would only queue behind the one write a feed can have at a time.
        Endpoint(endpoint =>
        {
            endpoint.ConcurrentMessageLimit = 2;
            endpoint.PrefetchCount = 8;
        });

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<HistoryBatchConfirmedConsumer> consumerConfigurator, IRegistrationContext context) =>
        FeedRetry.Configure(endpointConfigurator);
}
