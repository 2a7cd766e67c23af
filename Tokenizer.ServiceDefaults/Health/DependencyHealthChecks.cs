using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.ServiceDefaults.Health;

/// <summary>
/// Readiness checks of the platform's own making. PostgreSQL and Redis report through their Aspire client
/// integrations; the chain has none, so its check is here.
/// </summary>
public static class DependencyHealthChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>The chain JSON-RPC endpoint answers <c>eth_chainId</c>, through the service's one chain client.</summary>
    public static IHealthChecksBuilder AddChainReadiness(this IHealthChecksBuilder builder, string name = ConnectionNames.Chain) =>
        builder.Add(new HealthCheckRegistration(name, sp => new ChainCheck(sp.GetRequiredService<EthRpcClient>().WithTimeout(Timeout)),
            HealthStatus.Unhealthy, [Microsoft.Extensions.Hosting.Extensions.ReadyTag], Timeout));

    private sealed class ChainCheck(EthRpcClient chain) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return HealthCheckResult.Healthy($"chain id {await chain.GetChainIdAsync(cancellationToken)}");
            }
            catch (Exception ex) when (ex is RpcException or RpcTransportException or HttpRequestException or FormatException)
            {
                // The type and message say what failed; the stack trace stays out of the probe's answer.
                return new HealthCheckResult(context.Registration.FailureStatus, $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
