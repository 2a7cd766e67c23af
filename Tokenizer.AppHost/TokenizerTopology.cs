using Tokenizer.AppHost.Hosting;

namespace Tokenizer.AppHost;

/// <summary>
/// The whole platform. A server whose connection string is configured (<c>ConnectionStrings__postgres</c>,
/// <c>__redis</c>, <c>__rabbitmq</c>, <c>__chain</c>) is used as it is; the AppHost runs the others itself.
/// </summary>
public static class TokenizerTopology
{
    public const int DefaultGatewayPort = 8080;

    public static void Configure(IDistributedApplicationBuilder builder)
    {
        var postgres = Existing(builder, ResourceNames.Postgres) ?? builder.AddPostgres(ResourceNames.Postgres);
        var identityDb = AddDatabase(postgres, ResourceNames.IdentityDb);
        var tokenAdminDb = AddDatabase(postgres, ResourceNames.TokenAdminDb);
        var ledgerDataDb = AddDatabase(postgres, ResourceNames.LedgerDataDb);
        var monitorDb = AddDatabase(postgres, ResourceNames.MonitorDb);
        var redis = Existing(builder, ResourceNames.Redis) ?? builder.AddRedis(ResourceNames.Redis);
        var rabbit = Existing(builder, ResourceNames.RabbitMq) ?? builder.AddRabbitMQ(ResourceNames.RabbitMq);
        var chain = Existing(builder, ResourceNames.Chain) ?? builder.AddAnvil(ResourceNames.Chain);
        var signer = PlatformSigner.Add(builder, chain);

        var identity = AddService<Projects.Tokenizer_Identity>(builder, ResourceNames.Identity)
            .WithReference(identityDb).WaitFor(identityDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit);

        // Services wait for RabbitMQ: started earlier, MassTransit's reconnect backoff grows while the broker boots and
        // readiness ends up seconds later than if they start once it is up. The other services validate Identity's
        // tokens (JWKS), so they get its address; they need not wait for it.
        var tokenAdmin = AddService<Projects.Tokenizer_TokenAdmin>(builder, ResourceNames.TokenAdmin)
            .WithReference(tokenAdminDb).WaitFor(tokenAdminDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity)
            .WithEnvironment("Chain__SignerPrivateKey", signer.Key)
            .WithEnvironment("Chain__FactoryAddress", signer.FactoryAddress);

        var ledgerData = AddService<Projects.Tokenizer_LedgerData>(builder, ResourceNames.LedgerData)
            .WithReference(ledgerDataDb).WaitFor(ledgerDataDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity);

        var monitor = AddService<Projects.Tokenizer_Monitor>(builder, ResourceNames.Monitor)
            .WithReference(monitorDb).WaitFor(monitorDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbit).WaitFor(rabbit)
            .WithReference(chain).WaitFor(chain)
            .WithReference(identity)
            .WithEnvironment("Chain__FactoryAddress", signer.FactoryAddress);

        // The gateway starts alongside the services rather than after them: its /readyz answers 503 until all four
        // are ready, so nothing is served early, and its own start-up is off the critical path.
        var gatewayPort = builder.Configuration.GetValue("Gateway:Port", DefaultGatewayPort);
        EnsurePortIsFree(gatewayPort);
        var gateway = builder.AddProject<Projects.Tokenizer_Gateway>(ResourceNames.Gateway, launchProfileName: null)
            .WithHttpEndpoint(port: gatewayPort == 0 ? null : gatewayPort, name: "http", isProxied: false)
            .WithExternalHttpEndpoints()
            .WithReference(identity)
            .WithReference(tokenAdmin)
            .WithReference(ledgerData)
            .WithReference(monitor)
            .WithReference(redis).WaitFor(redis)
            .WithPlatformDefaults();

        // Tokens name the platform's public address as their issuer, which is the gateway's, wherever it listens.
        identity.WithEnvironment("Identity__Issuer", gateway.GetEndpoint("http"));
        // Token URIs and explorer links name the platform's public address too.
        tokenAdmin.WithEnvironment("Platform__PublicBaseUrl", gateway.GetEndpoint("http"));

        PlatformBanner.PrintWhenReady(builder, gateway);
    }

    // Checked before anything starts: otherwise the gateway alone would exit, deep in its log, with the rest up.
    private static void EnsurePortIsFree(int port)
    {
        if (port == 0)
        {
            return;
        }

        try
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new DistributedApplicationException(
                $"The gateway's port {port} is taken ({e.Message}); `ss -ltnp 'sport = :{port}'` shows by whom. Stop it, or choose another port with --gateway-port.", e);
        }
    }

    // No launch profiles: each service takes a free loopback port, so runs never collide, and listens on it itself
    // (no DCP proxy: one hop less on every request through the gateway).
    // With AppHost:Replicas above 1 every service runs that many processes behind DCP's proxy, which spreads the
    // gateway's connections across them: a local rehearsal of the scaled-out deploy.
    private static IResourceBuilder<ProjectResource> AddService<TProject>(IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var replicas = builder.Configuration.GetValue("AppHost:Replicas", 1);
        var project = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(name: "http", isProxied: replicas > 1)
            .WithPlatformDefaults();
        return replicas > 1 ? project.WithReplicas(replicas) : project;
    }

    // DCP gives a process 6 s after SIGTERM and stops the dashboard first; with the default 10 s OTLP export timeout
    // a service would still be flushing telemetry to the gone dashboard when it is killed. Each service runs in the
    // AppHost's environment (Development under script/server and the tests): with no launch profile, nothing else
    // would tell it, and it would start as Production.
    // Health is /readyz, asked continuously until the first 200 (see StartupHealthCheck), so that dependants and the
    // "Tokenizer is up" line follow readiness at once rather than at Aspire's next, up-to-5-s-later poll.
    private static IResourceBuilder<ProjectResource> WithPlatformDefaults(this IResourceBuilder<ProjectResource> project)
    {
        project.WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
            .WithEnvironment("DOTNET_ENVIRONMENT", project.ApplicationBuilder.Environment.EnvironmentName)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", project.ApplicationBuilder.Environment.EnvironmentName)
            .WithHttpHealthCheck("/readyz");
        if (project.ApplicationBuilder.Configuration[TraceSampleRatioKey] is { Length: > 0 } ratio)
        {
            project.WithEnvironment(TraceSampleRatioKey.Replace(":", "__", StringComparison.Ordinal), ratio);
        }
        StartupHealthCheck.Wrap(project.ApplicationBuilder.Services, project.Resource.Annotations.OfType<HealthCheckAnnotation>().Last().Key);
        return project;
    }

    // The services' own key (Extensions.TraceSampleRatioKey); the AppHost does not reference ServiceDefaults.
    private const string TraceSampleRatioKey = "Telemetry:TraceSampleRatio";

    private static IResourceBuilder<IResourceWithConnectionString>? Existing(IDistributedApplicationBuilder builder, string name) =>
        string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)) ? null : builder.AddConnectionString(name);

    private static IResourceBuilder<IResourceWithConnectionString> AddDatabase(IResourceBuilder<IResourceWithConnectionString> server, string name) =>
        server is IResourceBuilder<PostgresServerResource> own ? own.AddDatabase(name) : server.AddDatabase(name);
}
