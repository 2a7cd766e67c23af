using System.Diagnostics;
using System.Net;

namespace Tokenizer.FunctionalTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>
/// The whole platform, started once per test run through <see cref="TokenizerTopology.Configure"/> (the AppHost's
/// own topology) in a temporary data folder, on free ports, the gateway included. Ready when the gateway's
/// /readyz answers 200; otherwise start-up fails with each unhealthy resource's state and log tail.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The platform is not started.");

    public string DataDirectory { get; private set; } = "";

    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>A client whose BaseAddress is the gateway.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    public string ChainRpcUrl => App.GetConnectionString(ResourceNames.Chain);

    public string RedisConnectionString => App.GetConnectionString(ResourceNames.Redis);

    public string RabbitMqConnectionString => App.GetConnectionString(ResourceNames.RabbitMq);

    public string IdentityDbConnectionString => App.GetConnectionString(ResourceNames.IdentityDb);

    public string TokenAdminDbConnectionString => App.GetConnectionString(ResourceNames.TokenAdminDb);

    public string LedgerDataDbConnectionString => App.GetConnectionString(ResourceNames.LedgerDataDb);

    public string MonitorDbConnectionString => App.GetConnectionString(ResourceNames.MonitorDb);

    /// <summary>Any resource's connection string by resource name (see <see cref="ResourceNames"/>).</summary>
    public string GetConnectionString(string resourceName) => App.GetConnectionString(resourceName);

    /// <summary>A service's own address, for tests that must bypass the gateway.</summary>
    public Uri GetServiceUrl(string resourceName) => App.GetEndpoint(resourceName);

    public IReadOnlyList<ResourceSnapshot> ResourceStates => App.Snapshots;

    public async Task InitializeAsync()
    {
        DataDirectory = TestRuns.CreateDataDirectory("platform");
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DataDirectory = DataDirectory,
            IgnoreEnvironmentVariables = true,
            Output = TextWriter.Null, // the state log is in <data>/logs/apphost.log
        });
        TokenizerTopology.Configure(builder, new TopologyOptions { GatewayPort = 0 });
        _app = builder.Build();
        try
        {
            await _app.StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }

        GatewayUrl = _app.GetEndpoint(ResourceNames.Gateway);
        Gateway = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilReadyAsync();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var probe = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (clock.Elapsed < ReadyTimeout)
        {
            var gateway = App.GetResource(ResourceNames.Gateway).Snapshot;
            if (gateway.State is ResourceState.Exited or ResourceState.FailedToStart)
            {
                break;
            }

            try
            {
                using var response = await probe.GetAsync("/readyz");
                last = response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    // The AppHost's own poll may lag the gateway's answer by a beat; tests read its states too.
                    foreach (var resource in App.Resources)
                    {
                        await App.WaitForResourceHealthyAsync(resource.Name, TimeSpan.FromSeconds(15));
                    }

                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        var report = TestRuns.DescribeFailure(App);
        await DisposeAsync();
        throw new InvalidOperationException(
            $"The platform was not ready within {ReadyTimeout.TotalSeconds:0}s (gateway /readyz: {last?.ToString() ?? "no answer"}).{Environment.NewLine}{report}");
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }

        if (DataDirectory.Length > 0)
        {
            TestRuns.TryDelete(DataDirectory);
        }
    }
}
