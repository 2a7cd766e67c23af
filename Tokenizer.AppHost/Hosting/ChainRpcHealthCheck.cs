using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tokenizer.AppHost.Hosting;

/// <summary>A JSON-RPC node is healthy when <c>eth_chainId</c> answers the chain id it should have.</summary>
internal sealed class ChainRpcHealthCheck(Func<string?> rpcUrl, long expectedChainId) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var url = rpcUrl() ?? throw new InvalidOperationException("Connection string is unavailable");
        try
        {
            using var response = await Http.PostAsJsonAsync(url, new { jsonrpc = "2.0", id = 1, method = "eth_chainId", @params = Array.Empty<object>() }, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var hex = body.RootElement.GetProperty("result").GetString() ?? "";
            var chainId = long.Parse(hex.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return chainId == expectedChainId
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"chain id {chainId}, expected {expectedChainId}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or FormatException)
        {
            return HealthCheckResult.Unhealthy(e.Message, e);
        }
    }
}
