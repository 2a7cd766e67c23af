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
            .WithReference(rabbit);

        // Services reference RabbitMQ without waiting for it: MassTransit connects when the broker is up and the bus
        // check holds readiness until then, so the .NET start-up overlaps the broker's boot (its slowest resource).
        // The other services validate Identity's tokens (JWKS), so they get its address; they need not wait for it.
        var tokenAdmin = builder.AddProject<Projects.Tokenizer_TokenAdmin>(ResourceNames.TokenAdmin)
            .WithReference(tokenAdminDb).WaitFor(tokenAdminDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        var ledgerData = builder.AddProject<Projects.Tokenizer_LedgerData>(ResourceNames.LedgerData)
            .WithReference(ledgerDataDb).WaitFor(ledgerDataDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        var monitor = builder.AddProject<Projects.Tokenizer_Monitor>(ResourceNames.Monitor)
            .WithReference(monitorDb).WaitFor(monitorDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        var gateway = builder.AddProject<Projects.Tokenizer_Gateway>(ResourceNames.Gateway)
            .WithReference(identity).WaitFor(identity)
            .WithReference(tokenAdmin).WaitFor(tokenAdmin)
            .WithReference(ledgerData).WaitFor(ledgerData)
            .WithReference(monitor).WaitFor(monitor)
            .WithReference(redis).WaitFor(redis)
            .WithHttpEndpoint(port: options.GatewayPort, name: "http")
            .WithExternalHttpEndpoints();

        // Tokens name the platform's public address as their issuer, which is the gateway's, wherever it listens.
        identity.WithEnvironment("Identity__Issuer", () => gateway.Resource.GetHttpUrl());
    }
}
