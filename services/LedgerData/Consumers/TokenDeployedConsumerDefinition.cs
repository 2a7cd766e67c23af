using MassTransit;

namespace Tokenizer.LedgerData.Consumers;

public sealed class TokenDeployedConsumerDefinition : ConsumerDefinition<TokenDeployedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TokenDeployedConsumer> consumerConfigurator, IRegistrationContext context) =>
        FeedRetry.Configure(endpointConfigurator);
}
