using Tokenizer.ServiceDefaults;

namespace Tokenizer.TokenAdmin.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.TokenAdminDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.TokenAdmin);
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();
        builder.AddChainClient();
    }
}
