using MassTransit;

namespace Tokenizer.Monitor.Consumers;

/// <summary>A replay touches only the database: retried a few times on a transient failure.</summary>
public sealed class HistoryReplayRequestedConsumerDefinition : ConsumerDefinition<HistoryReplayRequestedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<HistoryReplayRequestedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(200, 1_000, 5_000));
}
