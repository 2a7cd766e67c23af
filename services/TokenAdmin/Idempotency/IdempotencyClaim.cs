namespace Tokenizer.TokenAdmin.Idempotency;

/// <summary>What <see cref="IdempotencyStore.BeginAsync"/> found for a key.</summary>
public enum IdempotencyOutcome
{
    /// <summary>First use (or a stale, abandoned attempt): run the request.</summary>
    Started,
    /// <summary>Done before with the same request: answer <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,
    /// <summary>Used before with a different request.</summary>
    Mismatch,
    /// <summary>The first request with this key is still running.</summary>
    InProgress,
}

/// <summary>The outcome and, for a replay, the stored answer.</summary>
public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, int StatusCode = 0, string? Response = null);
