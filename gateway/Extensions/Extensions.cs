using Tokenizer.Gateway.Apis;

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

        builder.AddRedisClient();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<ServiceDiscoveryDestinationFilter>();
        builder.Services.AddProbeHttpClient(PlatformReadinessApi.ProbeClient);
    }
}
