namespace Tokenizer.Monitor.Indexing;

/// <summary>The chain reorganised while a range was read: nothing of it is stored and the next cycle repairs and re-reads.</summary>
public sealed class ChainMovedException(string message) : Exception(message);
