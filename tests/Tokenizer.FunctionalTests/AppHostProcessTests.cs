using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests;

/// <summary>The AppHost as a developer runs it: the real executable, a real Ctrl+C, and servers they already have.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AppHostProcessTests
{
    private const int SigInt = 2;

    [Fact]
    public async Task Ctrl_C_stops_the_whole_platform_and_leaves_no_process_behind()
    {
        var dataDir = TestRuns.CreateDataDirectory("ctrl-c");
        var gatewayPort = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(AppHostDll());
        psi.ArgumentList.Add("--data-dir");
        psi.ArgumentList.Add(dataDir);
        psi.ArgumentList.Add("--gateway-port");
        psi.ArgumentList.Add(gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.Environment["DOTNET_ENVIRONMENT"] = "Development";
        using var apphost = Process.Start(psi)!;
        var output = Task.WhenAll(apphost.StandardOutput.ReadToEndAsync(), apphost.StandardError.ReadToEndAsync());
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilReadyAsync(http, apphost);
            var running = ProcessTable.WithDescendants([apphost.Id]);
            running.Count.Should().BeGreaterThan(10, "the servers, the services and the gateway all run under the AppHost");

            ManagedProcess.Signal(apphost.Id, SigInt);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await apphost.WaitForExitAsync(timeout.Token);

            apphost.ExitCode.Should().Be(0, string.Join(Environment.NewLine, await output));
            running.Where(ProcessTable.IsAlive).Select(p => $"{p}: {ProcessTable.CommandLine(p)}")
                .Should().BeEmpty("Ctrl+C stops everything the AppHost started");
            ProcessTable.All().Where(p => ProcessTable.CommandLine(p).Contains(dataDir, StringComparison.Ordinal))
                .Select(p => $"{p}: {ProcessTable.CommandLine(p)}")
                .Should().BeEmpty("no process should still use the run's data folder");
        }
        finally
        {
            if (!apphost.HasExited)
            {
                apphost.Kill(entireProcessTree: true);
            }
            TestRuns.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task Configured_servers_are_used_instead_of_started()
    {
        var ownDir = TestRuns.CreateDataDirectory("servers");
        var reuseDir = TestRuns.CreateDataDirectory("reuse");
        await using var servers = Build(ownDir);
        servers.Builder.AddPostgres(ResourceNames.Postgres);
        servers.Builder.AddRedis(ResourceNames.Redis);
        var own = servers.Start();
        try
        {
            await own.StartAsync();
            await own.WaitForResourceHealthyAsync(ResourceNames.Postgres, TimeSpan.FromSeconds(60));
            await own.WaitForResourceHealthyAsync(ResourceNames.Redis, TimeSpan.FromSeconds(60));

            // A second AppHost told where those servers are, as a developer with their own (or a managed) server would.
            await using var reusing = Build(reuseDir,
                ("ConnectionStrings:postgres", own.GetConnectionString(ResourceNames.Postgres)),
                ("ConnectionStrings:redis", own.GetConnectionString(ResourceNames.Redis)));
            var database = $"reuse_{Guid.NewGuid():N}";
            reusing.Builder.AddPostgres(ResourceNames.Postgres).AddDatabase(database);
            reusing.Builder.AddRedis(ResourceNames.Redis);
            var app = reusing.Start();
            await app.StartAsync();
            await app.WaitForResourceHealthyAsync(database, TimeSpan.FromSeconds(60));
            await app.WaitForResourceHealthyAsync(ResourceNames.Redis, TimeSpan.FromSeconds(60));

            app.StartedProcessIds.Should().BeEmpty("nothing is started when every server is configured");
            app.GetConnectionString(ResourceNames.Redis).Should().Be(own.GetConnectionString(ResourceNames.Redis));
            // The database it was asked for now exists on the existing server, and the connection string reaches it.
            await using (var connection = new NpgsqlConnection(app.GetConnectionString(database)))
            {
                await connection.OpenAsync();
                connection.Database.Should().Be(database);
            }
            await using var redis = await ConnectionMultiplexer.ConnectAsync(app.GetConnectionString(ResourceNames.Redis));
            (await redis.GetDatabase().PingAsync()).Should().BeLessThan(TimeSpan.FromSeconds(5));
            await app.StopAsync();
        }
        finally
        {
            await own.StopAsync();
            TestRuns.TryDelete(ownDir);
            TestRuns.TryDelete(reuseDir);
        }
    }

    private static Topology Build(string dataDir, params (string Key, string Value)[] settings) =>
        new(DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DataDirectory = dataDir,
            IgnoreEnvironmentVariables = true,
            Output = TextWriter.Null,
            Configuration = settings.ToDictionary(s => s.Key, s => (string?)s.Value),
        }));

    private sealed class Topology(IDistributedApplicationBuilder builder) : IAsyncDisposable
    {
        private DistributedApplication? _app;
        public IDistributedApplicationBuilder Builder { get; } = builder;
        public DistributedApplication Start() => _app = Builder.Build();
        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, Process apphost)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !apphost.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        throw new InvalidOperationException(apphost.HasExited ? $"The AppHost exited with {apphost.ExitCode}." : "The platform was not ready within 120 s.");
    }

    private static string AppHostDll()
    {
        var repo = DataFolder.FindRepositoryRoot() ?? throw new InvalidOperationException("Tokenizer.sln not found above the test folder.");
        var configuration = typeof(AppHostProcessTests).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        return Path.Combine(repo, "Tokenizer.AppHost", "bin", configuration, "net10.0", "Tokenizer.AppHost.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
