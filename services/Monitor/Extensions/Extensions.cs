using MassTransit;
using Tokenizer.Monitor.Consumers;
using Tokenizer.Monitor.Indexing;
using Tokenizer.Monitor.Scanning;
using Tokenizer.Monitor.Status;
using Tokenizer.ServiceDefaults;

namespace Tokenizer.Monitor.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.MonitorDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.Monitor, bus =>
        {
            bus.AddConsumer<TokenDeployedConsumer>();
            bus.AddConsumer<HistoryReplayRequestedConsumer, HistoryReplayRequestedConsumerDefinition>();
        });
        builder.AddTransactionalOutbox();
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();
        builder.AddChainClient();
        builder.AddDefaultOpenApi("Tokenizer Monitor", "The status snapshot of the chain monitor (token-app-api.txt, Status).");
        builder.AddMonitor();
    }

    private static void AddMonitor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MonitorOptions>().BindConfiguration(MonitorOptions.SectionName)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Monitor:PollInterval must be positive.")
            .Validate(o => o.ConfirmationDepth >= 0, "Monitor:ConfirmationDepth must not be negative.")
            .Validate(o => o.MaxBlocksPerBatch >= 1, "Monitor:MaxBlocksPerBatch must be at least 1.")
            .Validate(o => o.StatusCacheDuration >= TimeSpan.Zero, "Monitor:StatusCacheDuration must not be negative.")
            .ValidateOnStart();
        builder.Services.AddOptions<ChainSettings>().BindConfiguration(ChainSettings.SectionName)
            .Validate(o => o.Factory is not null, "Set Chain:FactoryAddress, or Chain:SignerAddress to derive it.")
            .ValidateOnStart();
        // The operator API's documents are snake_case; /status is all this service serves, so its HTTP JSON (and the
        // OpenAPI schema derived from it) is too. Fields that do not apply are omitted by attributes on the records.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = StatusDocument.Json.PropertyNamingPolicy);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MonitorState>();
        builder.Services.AddSingleton<MonitorMetrics>();
        builder.Services.AddSingleton<StatusStore>();
        builder.Services.AddSingleton<StatusSnapshotWriter>();
        builder.Services.AddSingleton<HistoryPublisher>();
        builder.Services.AddSingleton<ChainIndexer>();
        builder.Services.AddSingleton<HoldingsScanner>();
        builder.Services.AddSingleton<MonitorWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MonitorWorker>());
    }
}
