using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>Resolves an API key's hash to its owner, or null when the key is unknown or revoked.</summary>
public interface IApiKeyResolver
{
    /// <summary>Looks the key hash up.</summary>
    /// <exception cref="ApiKeyLookupUnavailableException">Neither the cache nor Identity could answer.</exception>
    ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken);
}

/// <summary>Identity could not be asked; the caller is neither known nor refused.</summary>
public sealed class ApiKeyLookupUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The look-up every service but Identity uses: the shared Redis cache first, then Identity's internal
/// introspection endpoint (<c>POST http://identity/internal/api-keys/introspect</c>), which fills the cache.
/// No in-process cache, so a revocation (tombstone in Redis) is seen by the very next request.
/// </summary>
internal sealed partial class RemoteApiKeyResolver(IServiceProvider services, IHttpClientFactory httpClientFactory, ILogger<RemoteApiKeyResolver> logger) : IApiKeyResolver
{
    /// <summary>The named HTTP client used for the introspection call.</summary>
    public const string HttpClientName = "tokenizer-identity";
    private const string IntrospectionPath = "/internal/api-keys/introspect";

    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken)
    {
        var redis = services.GetService<IConnectionMultiplexer>();
        if (redis is not null)
        {
            try
            {
                var cached = await redis.GetDatabase().StringGetAsync(ApiKeyCache.Key(keyHash));
                if (cached.HasValue)
                {
                    return ApiKeyCache.Deserialize(cached.ToString());
                }
            }
            catch (RedisException ex)
            {
                LogCacheUnavailable(logger, ex.Message);
            }
        }

        var http = httpClientFactory.CreateClient(HttpClientName);
        try
        {
            using var response = await http.PostAsJsonAsync(
                $"http://{ConnectionNames.Services.Identity}{IntrospectionPath}", new { keyHash }, ApiKeyCache.JsonOptions, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<ApiKeyIdentity>(ApiKeyCache.JsonOptions, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            throw new ApiKeyLookupUnavailableException("API key introspection failed: " + ex.Message, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key cache unavailable, asking Identity: {Reason}")]
    private static partial void LogCacheUnavailable(ILogger logger, string reason);
}
