using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace Tokenizer.ServiceDefaults.Health;

/// <summary>Readiness checks for the platform's real dependencies. Each answers within the check timeout.</summary>
public static class DependencyHealthChecks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>PostgreSQL answers <c>select 1</c> through the service's data source.</summary>
    public static IHealthChecksBuilder AddNpgsqlReadiness(this IHealthChecksBuilder builder, string name) =>
        builder.Add(new HealthCheckRegistration(name, sp => new DelegateCheck(async ct =>
        {
            await using var command = sp.GetRequiredService<NpgsqlDataSource>().CreateCommand("select 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }), HealthStatus.Unhealthy, [Microsoft.Extensions.Hosting.Extensions.ReadyTag], Timeout));

    /// <summary>Redis answers PING.</summary>
    public static IHealthChecksBuilder AddRedisReadiness(this IHealthChecksBuilder builder, string name = ConnectionNames.Redis) =>
        builder.Add(new HealthCheckRegistration(name, sp => new DelegateCheck(async _ =>
        {
            var multiplexer = sp.GetRequiredService<IConnectionMultiplexer>();
            if (!multiplexer.IsConnected)
            {
                return HealthCheckResult.Unhealthy("not connected");
            }
            var latency = await multiplexer.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.0} ms");
        }), HealthStatus.Unhealthy, [Microsoft.Extensions.Hosting.Extensions.ReadyTag], Timeout));

    /// <summary>The chain JSON-RPC endpoint answers <c>eth_chainId</c>.</summary>
    public static IHealthChecksBuilder AddChainReadiness(this IHealthChecksBuilder builder, string name = ConnectionNames.Chain) =>
        builder.Add(new HealthCheckRegistration(name, sp => new DelegateCheck(async ct =>
        {
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ChainProbeClient);
            using var response = await http.PostAsJsonAsync("", new { jsonrpc = "2.0", id = 1, method = "eth_chainId", @params = Array.Empty<object>() }, ct);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
            return body.RootElement.TryGetProperty("result", out var result)
                ? HealthCheckResult.Healthy($"chain id {Convert.ToInt64(result.GetString(), 16)}")
                : HealthCheckResult.Unhealthy("no result from eth_chainId");
        }), HealthStatus.Unhealthy, [Microsoft.Extensions.Hosting.Extensions.ReadyTag], Timeout));

    /// <summary>Name of the plain HTTP client the chain probe uses (no retries: a probe reports, it does not insist).</summary>
    public const string ChainProbeClient = "chain-probe";

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await check(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The type and message say what failed; the stack trace stays out of the probe's answer.
                return new HealthCheckResult(context.Registration.FailureStatus, $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
