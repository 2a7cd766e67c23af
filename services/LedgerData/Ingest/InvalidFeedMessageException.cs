namespace Tokenizer.LedgerData.Ingest;

/// <summary>A feed message that breaks its contract (bad address, amount or kind): it is refused, never half-stored.</summary>
public sealed class InvalidFeedMessageException(string message) : Exception(message);
