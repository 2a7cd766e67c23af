namespace Tokenizer.Messages.Monitor;

/// <summary>A previously published event whose block left the canonical chain.</summary>
/// <param name="BlockHash">The block hash it was published with.</param>
/// <param name="LogIndex">Its log index in that block.</param>
/// <param name="TransactionHash">Its transaction, for logs and operators.</param>
public sealed record HistoryEventRemoved(string BlockHash, int LogIndex, string TransactionHash);
