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
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _nextRefresh = DateTimeOffset.MinValue;

    /// <inheritdoc />
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_current is { } current && DateTimeOffset.UtcNow < _nextRefresh)
        {
            return current;
        }
        await _refresh.WaitAsync(cancel);
        try
        {
            if (_current is { } again && DateTimeOffset.UtcNow < _nextRefresh)
            {
                return again;
            }
            try
            {
                var fetched = await OpenIdConnectConfigurationRetriever.GetAsync(
                    metadataAddress, new HttpDocumentRetriever(http) { RequireHttps = requireHttps }, cancel);
                _current = fetched;
                _fetchedAt = DateTimeOffset.UtcNow;
                _nextRefresh = _fetchedAt + refreshInterval;
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
        finally
        {
            _refresh.Release();
        }
    }

    /// <inheritdoc />
    public void RequestRefresh()
    {
        var soonest = _fetchedAt + MinimumRefreshGap;
        if (soonest < _nextRefresh)
        {
            _nextRefresh = soonest;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh {Address}; keeping the last key set: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string address, string reason);
}
