using Tokenizer.ServiceDefaults;
using Tokenizer.TokenAdmin.Chain;
using Tokenizer.TokenAdmin.Commands;

namespace Tokenizer.TokenAdmin.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.TokenAdminDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.TokenAdmin, bus => bus.AddOperatorCommandConsumers());
        builder.AddTransactionalOutbox();
        // JWT (Identity's JWKS) or API key; endpoints name their policy (user, operator) or AllowAnonymous.
        builder.AddDefaultAuthentication();
        builder.AddChainClient();
        builder.AddPlatformChain();
        builder.AddOperatorCommands();
        builder.AddDefaultOpenApi("TokenAdmin", "Every chain write: deploy, mint, burn, controls, metadata; operator commands.");
    }

    private static void AddPlatformChain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChainOptions>().BindConfiguration(ChainOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.SignerPrivateKey), "Chain:SignerPrivateKey is not configured.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.FactoryAddress), "Chain:FactoryAddress is not configured.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PostgresNonceStore>();
        builder.Services.AddSingleton<PlatformChain>();
        builder.Services.AddSingleton<PlatformChainConnector>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PlatformChainConnector>());
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            "platform-contracts", sp => sp.GetRequiredService<PlatformChainConnector>(), null, [Microsoft.Extensions.Hosting.Extensions.ReadyTag]));
    }
}
