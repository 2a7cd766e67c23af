using Tokenizer.AppHost.Hosting;

namespace Tokenizer.AppHost;

public sealed record TopologyOptions
{
    public const int DefaultGatewayPort = 8080;

    /// <summary>The gateway's port; 0 takes any free port (tests).</summary>
    public int GatewayPort { get; init; } = DefaultGatewayPort;

    public static TopologyOptions FromConfiguration(IConfiguration configuration) => new()
    {
        GatewayPort = configuration.GetValue("Gateway:Port", DefaultGatewayPort),
    };
}

/// <summary>The whole platform, shared by Program.cs and the functional tests so both run the same thing.</summary>
public static class TokenizerTopology
{
    public static void Configure(IDistributedApplicationBuilder builder, TopologyOptions options)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres);
        var identityDb = postgres.AddDatabase(ResourceNames.IdentityDb);
        var tokenAdminDb = postgres.AddDatabase(ResourceNames.TokenAdminDb);
        var ledgerDataDb = postgres.AddDatabase(ResourceNames.LedgerDataDb);
        var monitorDb = postgres.AddDatabase(ResourceNames.MonitorDb);
        var redis = builder.AddRedis(ResourceNames.Redis);
        var rabbit = builder.AddRabbitMQ(ResourceNames.RabbitMq);
        var chain = builder.AddAnvil(ResourceNames.Chain);

        var identity = builder.AddProject<Projects.Tokenizer_Identity>(ResourceNames.Identity)
            .WithReference(identityDb).WaitFor(identityDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit);

        // Services wait for RabbitMQ: started earlier, MassTransit's reconnect backoff grows while the broker boots and
        // readiness ends up seconds later than if they start once it is up (measured; see Tokenizer.AppHost/README.md).
        // The other services validate Identity's tokens (JWKS), so they get its address; they need not wait for it.
        var tokenAdmin = builder.AddProject<Projects.Tokenizer_TokenAdmin>(ResourceNames.TokenAdmin)
            .WithReference(tokenAdminDb).WaitFor(tokenAdminDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        var ledgerData = builder.AddProject<Projects.Tokenizer_LedgerData>(ResourceNames.LedgerData)
            .WithReference(ledgerDataDb).WaitFor(ledgerDataDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        var monitor = builder.AddProject<Projects.Tokenizer_Monitor>(ResourceNames.Monitor)
            .WithReference(monitorDb).WaitFor(monitorDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        // The gateway starts alongside the services rather than after them: its /readyz answers 503 until all four
        // are ready, so nothing is served early, and its own start-up no longer adds to the platform's.
        var gateway = builder.AddProject<Projects.Tokenizer_Gateway>(ResourceNames.Gateway)
            .WithReference(identity)
            .WithReference(tokenAdmin)
            .WithReference(ledgerData)
            .WithReference(monitor)
            .WithReference(redis).WaitFor(redis)
            .WithHttpEndpoint(port: options.GatewayPort, name: "http")
            .WithExternalHttpEndpoints();

        // Tokens name the platform's public address as their issuer, which is the gateway's, wherever it listens.
        identity.WithEnvironment("Identity__Issuer", () => gateway.Resource.GetHttpUrl());
    }
}
