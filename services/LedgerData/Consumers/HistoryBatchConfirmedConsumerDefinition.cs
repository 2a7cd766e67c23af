using MassTransit;

namespace Tokenizer.LedgerData.Consumers;

public sealed class HistoryBatchConfirmedConsumerDefinition : ConsumerDefinition<HistoryBatchConfirmedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<HistoryBatchConfirmedConsumer> consumerConfigurator, IRegistrationContext context) =>
        FeedRetry.Configure(endpointConfigurator);
}
