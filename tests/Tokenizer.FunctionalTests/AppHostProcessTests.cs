using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests;

/// <summary>The AppHost as a developer runs it: the real executable, a real Ctrl+C, and what it says when it cannot start.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AppHostProcessTests
{
    [Fact]
    public async Task Ctrl_C_stops_the_whole_platform_and_leaves_no_process_behind()
    {
        var dataDir = TestRuns.CreateDataDirectory("ctrl-c");
        await using var apphost = AppHostProcess.Start(dataDir);
        try
        {
            await apphost.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
            var running = ProcessTable.WithDescendants([apphost.Id]).Where(ProcessTable.IsAlive).ToList();
            var commandLines = running.Select(ProcessTable.CommandLine).ToList();
            // DCP detaches from the AppHost, so it is found by the AppHost's pid on its command line instead.
            var dcp = ProcessTable.All().Where(p => ProcessTable.CommandLine(p).Contains($"--monitor {apphost.Id}", StringComparison.Ordinal)).ToList();
            dcp.Should().NotBeEmpty("DCP runs the resources");
            var everything = ProcessTable.WithDescendants([.. running, .. dcp]).Where(ProcessTable.IsAlive).ToList();
            var all = everything.Select(ProcessTable.CommandLine).ToList();
            all.Should().Contain(c => c.Contains("postgres: checkpointer", StringComparison.Ordinal));
            all.Should().Contain(c => c.Contains("beam.smp", StringComparison.Ordinal));
            all.Should().Contain(c => c.Contains("Tokenizer.Gateway", StringComparison.Ordinal));
            all.Should().Contain(c => c.Contains("Aspire.Dashboard", StringComparison.Ordinal));
            commandLines.Should().NotBeEmpty();

            apphost.Signal("INT");
            var exitCode = await apphost.WaitForExitAsync(TimeSpan.FromSeconds(120));

            exitCode.Should().Be(0, apphost.Output);
            // DCP finishes stopping what it ran just after the AppHost returns.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (everything.Any(ProcessTable.IsAlive) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }

            everything.Where(ProcessTable.IsAlive).Select(p => $"{p}: {ProcessTable.CommandLine(p)}")
                .Should().BeEmpty("Ctrl+C stops everything the AppHost started");
            ProcessTable.All().Where(p => ProcessTable.CommandLine(p).Contains(dataDir, StringComparison.Ordinal))
                .Select(p => $"{p}: {ProcessTable.CommandLine(p)}")
                .Should().BeEmpty("no process should still use the run's data folder");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task Help_lists_the_options_and_starts_nothing()
    {
        var (exitCode, output) = await AppHostProcess.RunAsync(TimeSpan.FromSeconds(60), null, "--help");

        exitCode.Should().Be(0);
        output.Should().Contain("--gateway-port").And.Contain("--data-dir").And.Contain("ConnectionStrings__postgres");
        output.Should().NotContain("Distributed application starting", "help must not bring the platform up");
    }

    [Fact]
    public async Task A_missing_prerequisite_is_named_with_its_install_command_and_nothing_starts()
    {
        var dataDir = TestRuns.CreateDataDirectory("prereq");
        try
        {
            var (exitCode, output) = await AppHostProcess.RunAsync(TimeSpan.FromSeconds(60), dataDir, "--Anvil:Path=/nonexistent/anvil");

            exitCode.Should().NotBe(0);
            output.Should().Contain("/nonexistent/anvil").And.Contain("npm ci");
            Directory.Exists(Path.Combine(dataDir, ResourceNames.Postgres, "base")).Should().BeFalse("nothing starts when a prerequisite is missing");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }

    [Fact]
    public async Task A_taken_gateway_port_is_named_and_nothing_starts()
    {
        var dataDir = TestRuns.CreateDataDirectory("port");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        try
        {
            // The last --gateway-port wins, as with any configuration key given twice.
            var (exitCode, output) = await AppHostProcess.RunAsync(TimeSpan.FromSeconds(60), dataDir, "--gateway-port", port);

            exitCode.Should().NotBe(0);
            output.Should().Contain($"port {port} is taken").And.Contain("--gateway-port");
            Directory.Exists(Path.Combine(dataDir, ResourceNames.Postgres, "base")).Should().BeFalse();
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }
}
