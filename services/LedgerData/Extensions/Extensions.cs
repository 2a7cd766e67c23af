using Tokenizer.ServiceDefaults;

namespace Tokenizer.LedgerData.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.LedgerDataDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.LedgerData);
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();

    }
}
