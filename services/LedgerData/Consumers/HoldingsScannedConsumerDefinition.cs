using MassTransit;

namespace Tokenizer.LedgerData.Consumers;

public sealed class HoldingsScannedConsumerDefinition : ConsumerDefinition<HoldingsScannedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<HoldingsScannedConsumer> consumerConfigurator, IRegistrationContext context) =>
        FeedRetry.Configure(endpointConfigurator);
}
