using MassTransit;
using Microsoft.Extensions.Options;
using Tokenizer.ServiceDefaults;
using Tokenizer.TokenAdmin.Chain;

namespace Tokenizer.TokenAdmin.Consumers;

/// <summary>
/// The queue is named after the factory: a second deployment on the same broker (its own chain and factory) gets
/// its own copy of each ExecuteCommand and skips it, instead of competing for ours. Retries cover a node or broker
/// that is briefly away; the tracker's sweep picks up whatever outlives them.
/// </summary>
public sealed class ExecuteCommandConsumerDefinition : ConsumerDefinition<ExecuteCommandConsumer>
{
    public ExecuteCommandConsumerDefinition(IOptions<ChainOptions> chain)
    {
        var factory = (chain.Value.FactoryAddress ?? "unconfigured").ToLowerInvariant();
        EndpointName = $"{ConnectionNames.Services.TokenAdmin}-execute-command-{factory}";
        ConcurrentMessageLimit = 32;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ExecuteCommandConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(200, 500, 1000, 2000, 5000, 5000, 10000, 10000));
}
