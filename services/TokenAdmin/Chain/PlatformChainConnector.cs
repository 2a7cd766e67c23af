using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tokenizer.TokenAdmin.Chain;

/// <summary>Connects <see cref="PlatformChain"/> at start-up, retrying while the node or the contracts are not there yet.</summary>
internal sealed partial class PlatformChainConnector(PlatformChain chain, ILogger<PlatformChainConnector> logger) : BackgroundService, IHealthCheck
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await chain.GetAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogNotConnected(logger, e.Message, delay.TotalSeconds);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 5));
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(chain.IsReady
            ? HealthCheckResult.Healthy($"signer {chain.Signer}")
            : HealthCheckResult.Unhealthy(chain.LastError ?? "connecting"));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Platform chain not connected ({Reason}); retrying in {Seconds} s")]
    private static partial void LogNotConnected(ILogger logger, string reason, double seconds);
}
