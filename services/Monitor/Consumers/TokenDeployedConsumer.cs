using MassTransit;
using Tokenizer.Messages.Tokens;
using Tokenizer.Monitor.Indexing;

namespace Tokenizer.Monitor.Consumers;

/// <summary>
/// A token was just deployed: index now rather than at the next interval. Only a nudge: the token itself is learned
/// from the factory's TokenDeployed event on chain, so a lost, late or foreign message changes nothing.
/// </summary>
public sealed class TokenDeployedConsumer(MonitorWorker worker) : IConsumer<TokenDeployed>
{
    public Task Consume(ConsumeContext<TokenDeployed> context)
    {
        worker.Wake();
        return Task.CompletedTask;
    }
}
