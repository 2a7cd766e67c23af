using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tokenizer.FunctionalTests.Telemetry;

namespace Tokenizer.FunctionalTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>
/// The whole platform, started once per test run from the AppHost itself through Aspire.Hosting.Testing, in a
/// temporary data folder, with the gateway on a free port. Ready when the gateway is healthy (its /readyz answers
/// 200 once all four services are ready); otherwise start-up fails with every resource's state and log tail. The
/// services export their telemetry to <see cref="Otlp"/>, where a test reads traces as the dashboard would show them.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);

    private readonly Dictionary<string, string> _connectionStrings = new(StringComparer.Ordinal);
    private AspirePlatform? _platform;

    public DistributedApplication App => Platform.App;

    public AspirePlatform Platform => _platform ?? throw new InvalidOperationException("The platform is not started.");

    public string DataDirectory { get; private set; } = "";

    /// <summary>The OTLP/HTTP endpoint every service of this platform exports to.</summary>
    public OtlpReceiver Otlp { get; private set; } = null!;

    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>A client whose BaseAddress is the gateway.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    public string ChainRpcUrl => GetConnectionString(ResourceNames.Chain);

    public string RedisConnectionString => GetConnectionString(ResourceNames.Redis);

    public string RabbitMqConnectionString => GetConnectionString(ResourceNames.RabbitMq);

    public string IdentityDbConnectionString => GetConnectionString(ResourceNames.IdentityDb);

    public string TokenAdminDbConnectionString => GetConnectionString(ResourceNames.TokenAdminDb);

    public string LedgerDataDbConnectionString => GetConnectionString(ResourceNames.LedgerDataDb);

    public string MonitorDbConnectionString => GetConnectionString(ResourceNames.MonitorDb);

    /// <summary>Any server's connection string by resource name (see <see cref="ResourceNames"/>).</summary>
    public string GetConnectionString(string resourceName) => _connectionStrings[resourceName];

    /// <summary>A service's own address, for tests that must bypass the gateway.</summary>
    public Uri GetServiceUrl(string resourceName) => App.GetEndpoint(resourceName, "http");

    public async Task InitializeAsync()
    {
        DataDirectory = TestRuns.CreateDataDirectory("platform");
        Otlp = OtlpReceiver.Start();
        _platform = await AspirePlatform.StartAsync(DataDirectory, otlpEndpoint: Otlp.Endpoint);
        try
        {
            await Platform.WaitForHealthyAsync(ResourceNames.Gateway, ReadyTimeout);
            foreach (var name in new[] { ResourceNames.IdentityDb, ResourceNames.TokenAdminDb, ResourceNames.LedgerDataDb, ResourceNames.MonitorDb, ResourceNames.Redis, ResourceNames.RabbitMq, ResourceNames.Chain })
            {
                _connectionStrings[name] = await App.GetConnectionStringAsync(name) ?? throw new InvalidOperationException($"{name} has no connection string.");
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }

        GatewayUrl = App.GetEndpoint(ResourceNames.Gateway, "http");
        Gateway = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
            _platform = null;
        }

        if (Otlp is not null)
        {
            await Otlp.DisposeAsync();
        }

        if (DataDirectory.Length > 0)
        {
            TestRuns.TryDelete(DataDirectory);
        }
    }
}
