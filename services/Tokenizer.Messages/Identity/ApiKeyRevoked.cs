namespace Tokenizer.Messages.Identity;

/// <summary>An API key stopped working; every cache of key look-ups must drop it at once.</summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="UserId">The owner's id.</param>
/// <param name="KeyHash">The stored hash of the key, which is the cache key (never the key itself).</param>
/// <param name="RevokedAt">When the key was revoked (UTC).</param>
public sealed record ApiKeyRevoked(Guid KeyId, Guid UserId, string KeyHash, DateTimeOffset RevokedAt);
