using StackExchange.Redis;

namespace Tokenizer.Gateway.Security;

/// <summary>
/// A fixed-window counter in Redis, so every gateway replica counts against the same limit. One Lua script
/// increments and sets the window's expiry atomically, and returns the count and the time left in the window.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    private const string Script = """
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            ttl = tonumber(ARGV[1])
        end
        return {count, ttl}
        """;

    public async Task<(bool Allowed, TimeSpan RetryAfter)> HitAsync(string bucket, int limit, TimeSpan window)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script,
            [(RedisKey)("tokenizer:ratelimit:" + bucket)], [(long)window.TotalMilliseconds]))!;
        var count = (long)result[0];
        var ttl = TimeSpan.FromMilliseconds((long)result[1]);
        return (count <= limit, ttl);
    }
}
