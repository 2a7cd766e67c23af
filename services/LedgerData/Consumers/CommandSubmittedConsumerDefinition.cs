using MassTransit;

namespace Tokenizer.LedgerData.Consumers;

public sealed class CommandSubmittedConsumerDefinition : ConsumerDefinition<CommandSubmittedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CommandSubmittedConsumer> consumerConfigurator, IRegistrationContext context) =>
        FeedRetry.Configure(endpointConfigurator);
}
