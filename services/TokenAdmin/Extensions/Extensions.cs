using Tokenizer.ServiceDefaults;

namespace Tokenizer.TokenAdmin.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.TokenAdminDb, typeof(Extensions).Assembly);
        builder.AddRedisClient();
        builder.AddServiceBus(ConnectionNames.Services.TokenAdmin);
        builder.AddChainReadiness();
    }
}
