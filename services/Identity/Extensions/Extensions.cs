using Tokenizer.ServiceDefaults;

namespace Tokenizer.Identity.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.IdentityDb, typeof(Extensions).Assembly);
        builder.AddRedisClient();
        builder.AddServiceBus(ConnectionNames.Services.Identity);

    }
}
