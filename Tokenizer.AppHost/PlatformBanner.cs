using Microsoft.Extensions.Logging;

namespace Tokenizer.AppHost;

/// <summary>One line for the developer once the platform is up: where the gateway is, and how to open the dashboard.</summary>
internal static class PlatformBanner
{
    public static void PrintWhenReady(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway) =>
        builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (@event, _) =>
        {
            var configuration = @event.Services.GetRequiredService<IConfiguration>();
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tokenizer.AppHost");
            var gatewayUrl = gateway.GetEndpoint("http").Url;
            var dashboard = (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            var token = configuration["AppHost:BrowserToken"];
            if (dashboard is null)
            {
                logger.LogInformation("Tokenizer is up. Gateway: {GatewayUrl}", gatewayUrl);
            }
            else
            {
                logger.LogInformation("Tokenizer is up. Gateway: {GatewayUrl}  Dashboard: {DashboardLoginUrl}", gatewayUrl,
                    string.IsNullOrEmpty(token) ? dashboard : $"{dashboard.TrimEnd('/')}/login?t={token}");
            }

            return Task.CompletedTask;
        });
}
