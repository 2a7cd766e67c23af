using MassTransit;
using Tokenizer.Messages.Commands;
using Tokenizer.TokenAdmin.Commands;

namespace Tokenizer.TokenAdmin.Consumers;

/// <summary>
/// Executes an accepted operator command. Competing consumers across TokenAdmin replicas share one queue per
/// factory; redeliveries are harmless because the executor locks the row and checks chain and nonce store first.
/// </summary>
public sealed class ExecuteCommandConsumer(CommandExecutor executor) : IConsumer<ExecuteCommand>
{
    public async Task Consume(ConsumeContext<ExecuteCommand> context) =>
        await executor.ExecuteAsync(context.Message.CommandId, context.CancellationToken);
}
