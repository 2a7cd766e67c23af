using MassTransit;
using System.Text.Json;
using Tokenizer.LedgerData.Apis;
using Tokenizer.LedgerData.Consumers;
using Tokenizer.LedgerData.Data;
using Tokenizer.LedgerData.Ingest;
using Tokenizer.ServiceDefaults;

namespace Tokenizer.LedgerData.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.LedgerDataDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.LedgerData, bus =>
        {
            bus.AddConsumer<HistoryBatchConfirmedConsumer, HistoryBatchConfirmedConsumerDefinition>();
            bus.AddConsumer<HoldingsScannedConsumer, HoldingsScannedConsumerDefinition>();
            bus.AddConsumer<CommandSubmittedConsumer, CommandSubmittedConsumerDefinition>();
            bus.AddConsumer<TokenDeployedConsumer, TokenDeployedConsumerDefinition>();
        });
        // Replay requests for history gaps leave through the outbox, in the transaction that found the gap.
        builder.AddTransactionalOutbox();
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();
        builder.AddDefaultOpenApi("Tokenizer LedgerData", "Confirmed mint/burn history and holdings snapshots of the operator API (/data/admin/*).");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<HistoryIngest>();
        builder.Services.AddSingleton<HoldingsIngest>();
        builder.Services.AddSingleton<HistoryQueries>();
        builder.Services.AddSingleton<HoldingsQueries>();
        // The operator API's fields are snake_case (command_id, scanned_at, holding_cid).
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
    }

    public static WebApplication MapLedgerDataApis(this WebApplication app)
    {
        app.MapDefaultOpenApi();
        app.MapLedgerApi();
        return app;
    }
}
