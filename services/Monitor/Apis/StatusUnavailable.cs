namespace Tokenizer.Monitor.Apis;

/// <summary>The operator API's error shape (<c>{"detail": "..."}</c>) for a snapshot that cannot be read.</summary>
public sealed record StatusUnavailable(string Detail);
