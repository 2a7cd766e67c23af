using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Tokenizer.Chain.Rpc;
using Tokenizer.ServiceDefaults;
using Tokenizer.ServiceDefaults.Health;
using Tokenizer.ServiceDefaults.Metrics;
using Tokenizer.ServiceDefaults.Tracing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Tokenizer service shares: telemetry, health probes, JSON metrics, service discovery and HTTP
/// resilience. Shaped like .NET Aspire's ServiceDefaults so the services run unchanged under Aspire.
/// </summary>
public static class Extensions
{
    /// <summary>Liveness probe path: the process is up.</summary>
    public const string LivenessPath = "/healthz";
    /// <summary>Readiness probe path: every real dependency answers.</summary>
    public const string ReadinessPath = "/readyz";
    /// <summary>JSON metrics path.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The share of traces recorded (0–1, default 1): see <see cref="BackgroundCallSampler.ForRatio"/>.</summary>
    public const string TraceSampleRatioKey = "Telemetry:TraceSampleRatio";

    /// <summary>Tag for checks that belong to liveness.</summary>
    public const string LiveTag = "live";
    /// <summary>Tag for checks of the platform's own that belong to readiness (MassTransit tags its bus check the same way).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Adds telemetry, health checks, JSON metrics, service discovery and resilient HTTP clients.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddSingleton<JsonMetricsCollector>();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>OpenTelemetry traces, metrics and logs; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(TokenizerTelemetry.MeterPrefix + "*"))
            .WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(BackgroundCallSampler.ForRatio(builder.Configuration.GetValue<double?>(TraceSampleRatioKey))))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("MassTransit")
                .AddSource(TokenizerTelemetry.MeterPrefix + "*")
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsProbe(context.Request.Path))
                // A JSON-RPC call already has its own client span (Tokenizer.Chain.Rpc, named after the method); the
                // HTTP POST under it would double every chain call's spans for nothing an operator reads.
                .AddHttpClientInstrumentation(options => options.FilterHttpRequestMessage = _ => !IsInsideJsonRpcSpan()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>A liveness check of the process itself; services add one readiness check per real dependency.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>Maps <c>/healthz</c> (liveness), <c>/readyz</c> (readiness, JSON breakdown) and <c>/metrics</c> (JSON).</summary>
    /// <param name="app">The application.</param>
    /// <param name="mapReadiness">False where the host answers readiness itself (the gateway aggregates services).</param>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool mapReadiness = true)
    {
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous().DisableHttpMetrics();

        if (mapReadiness)
        {
            // Every registered check, as in Aspire's template: the client integrations (Npgsql, Redis) add theirs untagged.
            app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
            {
                Predicate = check => !check.Tags.Contains(LiveTag),
                ResponseWriter = HealthResponseWriter.WriteAsync,
            }).AllowAnonymous().DisableHttpMetrics();
        }

        // Created now, not on the first scrape: a MeterListener only sees measurements made after it starts.
        var metrics = app.Services.GetRequiredService<JsonMetricsCollector>();
        app.MapGet(MetricsPath, () => TypedResults.Json(metrics.Snapshot(app.Environment.ApplicationName)))
            .AllowAnonymous().DisableHttpMetrics().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A named HTTP client for health probes: service discovery on, resilience (retries, hedging) off, because a
    /// probe reports what it sees now and a retry would hide an outage. Short timeout.
    /// </summary>
    public static IHttpClientBuilder AddProbeHttpClient(this IServiceCollection services, string name, Action<HttpClient>? configure = null)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is the supported way to opt one client out of the defaults
        return services.AddHttpClient(name, http =>
        {
            http.Timeout = TimeSpan.FromSeconds(3);
            configure?.Invoke(http);
        }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(LivenessPath) || path.StartsWithSegments(ReadinessPath) || path.StartsWithSegments(MetricsPath);

    /// <summary>
    /// True while an HTTP request is made for a JSON-RPC call of <see cref="EthRpcClient"/>. The filter runs with the
    /// HTTP activity already current, so its parent is the JSON-RPC span.
    /// </summary>
    private static bool IsInsideJsonRpcSpan()
    {
        var current = Activity.Current;
        if (current?.Source.Name == HttpClientActivitySource)
        {
            current = current.Parent;
        }
        return current?.Source.Name == EthRpcClient.ActivitySourceName;
    }

    private const string HttpClientActivitySource = "System.Net.Http";
}
