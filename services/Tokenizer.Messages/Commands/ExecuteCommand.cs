namespace Tokenizer.Messages.Commands;

/// <summary>
/// Sign and send the stored operator command <paramref name="CommandId"/>. TokenAdmin sends it to itself through its
/// outbox, so competing consumers across replicas share the work and a command accepted before a crash still runs.
/// </summary>
/// <param name="CommandId">The operator's command id.</param>
public sealed record ExecuteCommand(string CommandId);
