using MassTransit;
using Tokenizer.ServiceDefaults;
using Tokenizer.TokenAdmin.Apis;
using Tokenizer.TokenAdmin.Chain;
using Tokenizer.TokenAdmin.Commands;
using Tokenizer.TokenAdmin.Idempotency;
using Tokenizer.TokenAdmin.Quotas;
using Tokenizer.TokenAdmin.Tokens;

namespace Tokenizer.TokenAdmin.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.TokenAdminDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.TokenAdmin, bus =>
        {
            bus.AddConsumer<UserRegisteredConsumer>();
            bus.AddConsumer<PlanChangedConsumer>();
            bus.AddOperatorCommandConsumers();
        });
        // Each ExecuteCommand names one stored command and each CommandSubmitted one command's names: no consumer
        // depends on their order, so they go out without waiting for one broker confirm per message.
        builder.AddTransactionalOutbox(outbox => outbox
            .PublishUnordered<Tokenizer.Messages.Commands.ExecuteCommand>()
            .PublishUnordered<Tokenizer.Messages.Commands.CommandSubmitted>());
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();
        builder.AddChainClient();
        builder.AddPlatformChain();
        builder.AddSelfService();
        builder.AddOperatorCommands();
    }

    public static WebApplication MapTokenAdminApis(this WebApplication app)
    {
        app.MapDefaultOpenApi();
        app.MapTokensApi();
        app.MapTokenControlsApi();
        app.MapTokenMetadataApi();
        app.MapTokenUriApi();
        app.MapStatsApi();
        app.MapExplorerApi();
        app.MapAdminCommandsApi();
        return app;
    }

    private static void AddSelfService(this IHostApplicationBuilder builder)
    {
        builder.AddDefaultOpenApi("Tokenizer TokenAdmin",
            "Every chain write. Self-service: deploy ERC20/ERC721 tokens, mint, control and describe them on chain within the plan's monthly quota (tokenizer-api.txt). Operators: exactly-once mint and burn by command_id, and each command's fate (token-app-api.txt).");
        builder.Services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddDocumentTransformer(OpenApiBearerScheme.ApplyAsync));
        builder.Services.AddOptions<SelfServiceOptions>().BindConfiguration(SelfServiceOptions.SectionName);
        builder.Services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TokenAdminMetrics>();
        builder.Services.AddSingleton<QuotaStore>();
        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<TokenUriCache>();
        builder.Services.AddHttpClient(AccountWallets.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<AccountWallets>();
        builder.Services.AddSingleton<TokenWriter>();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        // Binding failures throw, so the exception handler answers them in the documented shape.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
    }

    private static void AddPlatformChain(this IHostApplicationBuilder builder)
    {
        // Unset, the factory is the signer's CREATE2 address, as the option's documentation says: set here once, so that
        // every reader of the option (the APIs, the command queue's name) sees the same address PlatformChain connects to.
        builder.Services.AddOptions<ChainOptions>().BindConfiguration(ChainOptions.SectionName)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.FactoryAddress) && !string.IsNullOrWhiteSpace(o.SignerPrivateKey))
                {
                    o.FactoryAddress = Tokenizer.Chain.Contracts.PlatformDeployment.Predict(Tokenizer.Chain.Crypto.EthKey.FromHex(o.SignerPrivateKey).Address).Factory.ToString();
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.SignerPrivateKey), "Chain:SignerPrivateKey is not configured.")
            .Validate(o => string.IsNullOrWhiteSpace(o.FactoryAddress) || Tokenizer.Chain.Primitives.Address.TryParse(o.FactoryAddress, out _),
                "Chain:FactoryAddress is not a valid address.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PostgresNonceStore>();
        builder.Services.AddSingleton<PlatformChain>();
        builder.Services.AddSingleton<PlatformChainConnector>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PlatformChainConnector>());
        builder.Services.AddHostedService<NonceGapRepairer>();
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "platform-contracts", sp => sp.GetRequiredService<PlatformChainConnector>(), null, [Microsoft.Extensions.Hosting.Extensions.ReadyTag]));
    }
}
