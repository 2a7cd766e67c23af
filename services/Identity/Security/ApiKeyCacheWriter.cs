using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokenizer.Identity.Data;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Security;

/// <summary>
/// Identity is the only writer of the shared API key cache (see <see cref="ApiKeyCache"/>): look-ups add entries
/// only where none exists, revocation writes a tombstone, an account change refreshes entries unless tombstoned.
/// </summary>
public sealed partial class ApiKeyCacheWriter(IConnectionMultiplexer redis, IOptions<IdentityOptions> options, ILogger<ApiKeyCacheWriter> logger)
{
    private const string RefreshScript = """
        if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        return 1
        """;

    public async Task AddIfAbsentAsync(string keyHash, ApiKeyIdentity identity)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(ApiKeyCache.Key(keyHash), ApiKeyCache.Serialize(identity), options.Value.ApiKeyCacheTtl, When.NotExists);
        }
        catch (RedisException ex)
        {
            LogCacheWriteFailed(logger, ex.Message);
        }
    }

    /// <summary>Must succeed: a revocation that cannot reach the cache is not done (the caller's transaction rolls back).</summary>
    public Task TombstoneAsync(string keyHash) =>
        redis.GetDatabase().StringSetAsync(ApiKeyCache.Key(keyHash), ApiKeyCache.Tombstone, options.Value.ApiKeyTombstoneTtl);

    /// <summary>Puts the account's new plan or role into the cached entries of its active keys.</summary>
    public async Task RefreshAsync(UserAccount user, IEnumerable<(Guid KeyId, string KeyHash)> keys)
    {
        try
        {
            var database = redis.GetDatabase();
            foreach (var (keyId, keyHash) in keys)
            {
                var entry = ApiKeyCache.Serialize(new ApiKeyIdentity(keyId, user.Id, user.Email, user.Plan, user.Role));
                await database.ScriptEvaluateAsync(RefreshScript, [ApiKeyCache.Key(keyHash)],
                    [entry, ApiKeyCache.Tombstone, (long)options.Value.ApiKeyCacheTtl.TotalMilliseconds]);
            }
        }
        catch (RedisException ex)
        {
            LogCacheWriteFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key cache write failed: {Reason}")]
    private static partial void LogCacheWriteFailed(ILogger logger, string reason);
}

/// <summary>Identity's own look-up: the shared cache, then its database (filling the cache).</summary>
public sealed class LocalApiKeyResolver(IConnectionMultiplexer redis, ApiKeyStore store, ApiKeyCacheWriter cache) : IApiKeyResolver
{
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken)
    {
        try
        {
            var cached = await redis.GetDatabase().StringGetAsync(ApiKeyCache.Key(keyHash));
            if (cached.HasValue)
            {
                return ApiKeyCache.Deserialize(cached.ToString());
            }
        }
        catch (RedisException)
        {
            // The database answers on its own; the cache is only a shortcut.
        }
        var identity = await store.IntrospectAsync(keyHash, cancellationToken);
        if (identity is not null)
        {
            await cache.AddIfAbsentAsync(keyHash, identity);
        }
        return identity;
    }
}
