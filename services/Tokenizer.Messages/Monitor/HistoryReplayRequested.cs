namespace Tokenizer.Messages.Monitor;

/// <summary>A consumer of <see cref="HistoryBatchConfirmed"/> missed batches: the Monitor republishes from <paramref name="FromSequence"/>.</summary>
/// <param name="Consumer">Who asks (for logs).</param>
/// <param name="FromSequence">The first sequence the consumer has not stored.</param>
/// <param name="Factory">The feed (<see cref="HistoryBatchConfirmed.Factory"/>) to replay; null for the unnamed feed.</param>
public sealed record HistoryReplayRequested(string Consumer, long FromSequence, string? Factory = null);
