using Tokenizer.Gateway.Apis;
using Tokenizer.Gateway.Security;
using Tokenizer.ServiceDefaults;

namespace Tokenizer.Gateway.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Listen where clients expect the platform unless the host (AppHost, container) says otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) && string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.Configuration["urls"] = builder.Configuration["Gateway:Url"] ?? "http://127.0.0.1:8080";
        }

        builder.AddRedisClient(ConnectionNames.Redis);
        // Every route names its policy in configuration (anonymous, user or operator); anything else is refused.
        builder.AddDefaultAuthentication();
        builder.Services.AddOptions<GatewayLimitsOptions>().Bind(builder.Configuration.GetSection(GatewayLimitsOptions.Section));
        builder.Services.AddSingleton<RedisRateLimiter>();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddProbeHttpClient(PlatformReadinessApi.ProbeClient);
    }

    /// <summary>Body limit first, then who the caller is, then rate limits (per IP, per user), then the route's policy.</summary>
    public static WebApplication UseGatewaySecurity(this WebApplication app)
    {
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseAuthorization();
        return app;
    }
}
