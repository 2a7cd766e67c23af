using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests;

[Collection(PlatformCollection.Name)]
public sealed class PlatformLifecycleTests(PlatformFixture platform)
{
    [Fact]
    public async Task Every_service_is_ready_through_the_gateway()
    {
        using var response = await platform.Gateway.GetAsync("/readyz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Healthy");
        var services = body.RootElement.GetProperty("services");
        foreach (var name in new[] { ResourceNames.Identity, ResourceNames.TokenAdmin, ResourceNames.LedgerData, ResourceNames.Monitor })
        {
            services.TryGetProperty(name, out var service).Should().BeTrue($"/readyz should list {name}");
            service.GetProperty("status").GetString().Should().Be("Healthy", $"{name} should be healthy");
        }
    }

    [Fact]
    public void Every_resource_of_the_topology_is_healthy()
    {
        platform.ResourceStates.Should().OnlyContain(s => s.State == ResourceState.Healthy, TestRuns.DescribeFailure(platform.App));
    }
}

/// <summary>Start and stop behaviour of the hosting model itself, each test on its own small topology.</summary>
public sealed class AppHostLifecycleTests
{
    [Fact]
    public async Task Stopping_the_AppHost_leaves_no_process_behind()
    {
        var dataDir = TestRuns.CreateDataDirectory("lifecycle");
        try
        {
            var builder = CreateBuilder(dataDir);
            var postgres = builder.AddPostgres(ResourceNames.Postgres);
            postgres.AddDatabase(ResourceNames.IdentityDb);
            builder.AddRedis(ResourceNames.Redis);
            builder.AddRabbitMQ(ResourceNames.RabbitMq);
            builder.AddAnvil(ResourceNames.Chain);
            var app = builder.Build();

            await app.StartAsync();
            foreach (var name in new[] { ResourceNames.IdentityDb, ResourceNames.Redis, ResourceNames.RabbitMq, ResourceNames.Chain })
            {
                await app.WaitForResourceHealthyAsync(name, TimeSpan.FromSeconds(90));
            }

            var started = app.StartedProcessIds;
            // The servers and everything they forked (postgres backends, erl_child_setup), while they run.
            var running = ProcessTable.WithDescendants(started);
            running.Should().Contain(p => ProcessTable.CommandLine(p).Contains("epmd", StringComparison.Ordinal));
            running.Should().Contain(p => ProcessTable.CommandLine(p).Contains("postgres: checkpointer", StringComparison.Ordinal));
            var markers = new List<string> { dataDir };
            markers.AddRange(app.Resources.SelectMany(r => r.Ports.Values).Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)));
            markers.Add("-port " + app.GetResource(ResourceNames.RabbitMq).Ports["epmd"].ToString(CultureInfo.InvariantCulture));

            await app.StopAsync();

            running.Where(ProcessTable.IsAlive).Should().BeEmpty("every process of the run should be gone after stop");
            ProcessTable.All().Where(p => markers.Any(m => ProcessTable.CommandLine(p).Contains(m, StringComparison.Ordinal)))
                .Select(p => $"{p}: {ProcessTable.CommandLine(p)}")
                .Should().BeEmpty("no process should still mention the run's data folder or ports");
            File.Exists(Path.Combine(dataDir, ProcessLedger.FileName)).Should().BeFalse("a clean stop removes the pid file");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task A_missing_prerequisite_is_named_and_nothing_starts()
    {
        var dataDir = TestRuns.CreateDataDirectory("prereq");
        try
        {
            var builder = CreateBuilder(dataDir, ("Anvil:Path", "/nonexistent/anvil"));
            builder.AddRedis(ResourceNames.Redis);
            builder.AddAnvil(ResourceNames.Chain);
            var app = builder.Build();

            var start = () => app.StartAsync();

            (await start.Should().ThrowAsync<DistributedApplicationException>())
                .Which.Message.Should().Contain("/nonexistent/anvil").And.Contain("npm ci");
            app.StartedProcessIds.Should().BeEmpty();
            app.Snapshots.Should().OnlyContain(s => s.State == ResourceState.NotStarted);
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task The_AppHost_exits_non_zero_naming_a_missing_prerequisite()
    {
        var dataDir = TestRuns.CreateDataDirectory("prereq-exe");
        try
        {
            var (exitCode, output) = await RunAppHostAsync("--data-dir", dataDir, "--gateway-port", "0", "--Anvil:Path=/nonexistent/anvil");

            exitCode.Should().NotBe(0);
            output.Should().Contain("/nonexistent/anvil").And.Contain("npm ci");
            Directory.Exists(Path.Combine(dataDir, "postgres")).Should().BeFalse("nothing starts when a prerequisite is missing");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task A_taken_gateway_port_is_reported_with_its_holder()
    {
        var dataDir = TestRuns.CreateDataDirectory("port");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        try
        {
            var builder = CreateBuilder(dataDir);
            builder.AddProject<Projects.Tokenizer_Gateway>(ResourceNames.Gateway).WithHttpEndpoint(port: port, name: "http");
            var app = builder.Build();

            var start = () => app.StartAsync();

            (await start.Should().ThrowAsync<DistributedApplicationException>())
                .Which.Message.Should().Contain(port.ToString(CultureInfo.InvariantCulture))
                .And.Contain($"pid {Environment.ProcessId}");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    private static IDistributedApplicationBuilder CreateBuilder(string dataDir, params (string Key, string Value)[] settings) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DataDirectory = dataDir,
            IgnoreEnvironmentVariables = true,
            Output = TextWriter.Null,
            Configuration = settings.ToDictionary(s => s.Key, s => (string?)s.Value),
        });

    [Fact]
    public async Task Help_lists_the_options_and_starts_nothing()
    {
        var (exitCode, output) = await RunAppHostAsync("--help");

        exitCode.Should().Be(0);
        output.Should().Contain("--gateway-port").And.Contain("--data-dir").And.Contain("ConnectionStrings__postgres");
        output.Should().NotContain("Starting", "help must not bring the platform up");
    }

    private static async Task<(int ExitCode, string Output)> RunAppHostAsync(params string[] args)
    {
        var repo = DataFolder.FindRepositoryRoot() ?? throw new InvalidOperationException("Tokenizer.sln not found above the test folder.");
        var configuration = typeof(AppHostLifecycleTests).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        var dll = Path.Combine(repo, "Tokenizer.AppHost", "bin", configuration, "net10.0", "Tokenizer.AppHost.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

internal static class ProcessTable
{
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var pid) ? pid : 0).Where(p => p > 0);

    public static List<int> WithDescendants(IReadOnlyCollection<int> roots)
    {
        var parents = All().Select(p => (Pid: p, Stat: Stat(p))).Where(p => p.Stat is not null).ToList();
        var result = new HashSet<int>(roots);
        for (var added = true; added;)
        {
            var children = parents.Where(p => result.Contains(p.Stat!.Value.Parent) && !result.Contains(p.Pid)).Select(p => p.Pid).ToList();
            result.UnionWith(children);
            added = children.Count > 0;
        }

        return result.ToList();
    }

    public static bool IsAlive(int pid) => Stat(pid) is { State: not "Z" };

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static (string State, int Parent)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
