using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>
/// Identity's discovery document and JWKS, re-read on a fixed interval (and soon after a token with an unknown
/// key id). The stock manager re-reads at most every 5 minutes on its own schedule; a fixed, known interval is
/// what lets Identity publish a new signing key ahead of using it (its activation delay is longer than this
/// interval), so no validator meets a token signed by a key it has not seen yet.
/// </summary>
public sealed partial class JwksConfigurationManager(
    string metadataAddress, HttpClient http, bool requireHttps, TimeSpan refreshInterval, ILogger logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    private static readonly TimeSpan MinimumRefreshGap = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StaleGrace = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _nextRefresh = DateTimeOffset.MinValue;
    private long _requestedRefreshes;
    private long _servedRefreshes;

    /// <inheritdoc />
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_current is { } current && DateTimeOffset.UtcNow < _nextRefresh)
        {
            return current;
        }
        if (_current is { } stale && DateTimeOffset.UtcNow < _nextRefresh + StaleGrace
            && Volatile.Read(ref _requestedRefreshes) == Volatile.Read(ref _servedRefreshes))
        {
            // A scheduled re-read just due: one request starts it in the background and every request goes on with
            // the key set it has. Blocking them all behind two HTTP round trips to Identity stalled every validator
            // in flight once per interval (the accept latency's p99 under load). Only just due: a set older than
            // interval + grace is never used, so Identity's activation delay still covers every validator.
            if (_refresh.Wait(0))
            {
                _ = RefreshInBackgroundAsync();
            }
            return stale;
        }
        await _refresh.WaitAsync(cancel);
        try
        {
            // Fetched while we waited, and after any refresh asked for: that set will do.
            if (_current is { } again && DateTimeOffset.UtcNow < _nextRefresh
                && Volatile.Read(ref _requestedRefreshes) == Volatile.Read(ref _servedRefreshes))
            {
                return again;
            }
            return await FetchAsync(cancel);
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc />
    public void RequestRefresh()
    {
        // A token named a key we do not have: the next caller waits for the re-read instead of getting the old set.
        Interlocked.Increment(ref _requestedRefreshes);
        var soonest = _fetchedAt + MinimumRefreshGap;
        if (soonest < _nextRefresh)
        {
            _nextRefresh = soonest;
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await FetchAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or InvalidOperationException or IOException)
        {
            // A timeout escapes FetchAsync's own handling; keep the last good set here too and retry shortly.
            LogRefreshFailed(logger, metadataAddress, ex.Message);
            _nextRefresh = DateTimeOffset.UtcNow + RetryAfterFailure;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Reads discovery and JWKS once; the caller holds <c>_refresh</c>.</summary>
    private async Task<OpenIdConnectConfiguration> FetchAsync(CancellationToken cancel)
    {
        var requested = Volatile.Read(ref _requestedRefreshes);
        try
        {
            var fetched = await OpenIdConnectConfigurationRetriever.GetAsync(
                metadataAddress, new HttpDocumentRetriever(http) { RequireHttps = requireHttps }, cancel);
            _current = fetched;
            _fetchedAt = DateTimeOffset.UtcNow;
            _nextRefresh = _fetchedAt + refreshInterval;
            Volatile.Write(ref _servedRefreshes, requested);
            return fetched;
        }
        catch (Exception ex) when (_current is not null && ex is not OperationCanceledException)
        {
            // Keep validating with the last good key set; try again shortly.
            LogRefreshFailed(logger, metadataAddress, ex.Message);
            _nextRefresh = DateTimeOffset.UtcNow + RetryAfterFailure;
            return _current;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh {Address}; keeping the last key set: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string address, string reason);
}
