using Tokenizer.ServiceDefaults;

namespace Tokenizer.LedgerData.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.LedgerDataDb, typeof(Extensions).Assembly);
        builder.AddRedisClient();
        builder.AddServiceBus(ConnectionNames.Services.LedgerData);

    }
}
