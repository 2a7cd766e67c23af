using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tokenizer.ServiceDefaults;

namespace Tokenizer.Gateway.Apis;

/// <summary>
/// The platform's readiness as one answer: the gateway's own dependencies plus every backend service's
/// <c>/readyz</c> (each listing its own dependencies). 200 only when all of it is healthy, 503 otherwise.
/// </summary>
public static class PlatformReadinessApi
{
    /// <summary>Named HTTP client for service probes (service discovery on, retries off).</summary>
    public const string ProbeClient = "readiness-probe";

    /// <summary>Maps <c>GET /readyz</c>.</summary>
    public static IEndpointRouteBuilder MapPlatformReadiness(this IEndpointRouteBuilder app)
    {
        app.MapGet(Microsoft.Extensions.Hosting.Extensions.ReadinessPath, GetReadiness).AllowAnonymous().DisableHttpMetrics();
        return app;
    }

    private static async Task<JsonHttpResult<JsonObject>> GetReadiness(
        HealthCheckService healthChecks, IHttpClientFactory httpClientFactory, CancellationToken cancellationToken)
    {
        var http = httpClientFactory.CreateClient(ProbeClient);
        var own = healthChecks.CheckHealthAsync(c => c.Tags.Contains(Microsoft.Extensions.Hosting.Extensions.ReadyTag), cancellationToken);
        var probes = ConnectionNames.Services.All.ToDictionary(name => name, name => ProbeAsync(http, name, cancellationToken));
        await Task.WhenAll(probes.Values.Cast<Task>().Append(own));

        var report = await own;
        var gateway = new JsonObject
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = new JsonObject(report.Entries.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)new JsonObject
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
            }))),
        };
        var services = new JsonObject();
        var healthy = report.Status == HealthStatus.Healthy;
        foreach (var (name, probe) in probes)
        {
            var result = await probe;
            healthy &= result["status"]?.GetValue<string>() == nameof(HealthStatus.Healthy);
            services[name] = result;
        }

        var body = new JsonObject
        {
            ["status"] = healthy ? nameof(HealthStatus.Healthy) : nameof(HealthStatus.Unhealthy),
            ["checked_at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["gateway"] = gateway,
            ["services"] = services,
        };
        return TypedResults.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<JsonObject> ProbeAsync(HttpClient http, string service, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync($"http://{service}{Microsoft.Extensions.Hosting.Extensions.ReadinessPath}", cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var node = JsonNode.Parse(text) as JsonObject ?? new JsonObject();
            node["status"] = response.IsSuccessStatusCode ? node["status"]?.GetValue<string>() ?? nameof(HealthStatus.Healthy) : nameof(HealthStatus.Unhealthy);
            return node;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            // Unreachable or unresolvable service: report it as such instead of failing the whole probe.
            return new JsonObject { ["status"] = nameof(HealthStatus.Unhealthy), ["error"] = $"{ex.GetType().Name}: {ex.Message}" };
        }
    }
}
