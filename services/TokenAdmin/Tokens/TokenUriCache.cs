using System.Numerics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>/tokenURI answers in the shared Redis, so a chain that cannot be read still serves what was read before.</summary>
public sealed class TokenUriCache(IConnectionMultiplexer redis, IOptionsMonitor<SelfServiceOptions> options)
{
    public async Task<string?> GetAsync(string address, BigInteger? tokenId)
    {
        try
        {
            return await redis.GetDatabase().StringGetAsync(Key(address, tokenId)) is { HasValue: true } value ? value.ToString() : null;
        }
        catch (RedisException)
        {
            return null; // the cache is an optimisation: the chain is the source
        }
    }

    public async Task SetAsync(string address, BigInteger? tokenId, string json)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(address, tokenId), json, options.CurrentValue.TokenUriCacheLifetime);
        }
        catch (RedisException)
        {
            // Not cached this time; the next read goes to the chain again.
        }
    }

    /// <summary>Drops the cached answer after a metadata change (a failure here would serve stale metadata, so it throws).</summary>
    public Task InvalidateAsync(string address, BigInteger? tokenId) => redis.GetDatabase().KeyDeleteAsync(Key(address, tokenId));

    private static string Key(string address, BigInteger? tokenId) =>
        $"tokenadmin:tokenuri:{address.ToLowerInvariant()}:{tokenId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}";
}
