using Tokenizer.ServiceDefaults;

namespace Tokenizer.Monitor.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.MonitorDb, typeof(Extensions).Assembly);
        builder.AddRedisClient();
        builder.AddServiceBus(ConnectionNames.Services.Monitor);
        builder.AddChainReadiness();
    }
}
