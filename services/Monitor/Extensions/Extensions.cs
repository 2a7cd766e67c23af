using Tokenizer.ServiceDefaults;

namespace Tokenizer.Monitor.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.MonitorDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.Monitor);
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();
        builder.AddChainClient();
    }
}
