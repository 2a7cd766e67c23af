using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>
/// A platform of the test's own (own data folder, servers and anvil) for what must not happen to the shared one:
/// reverting the chain, killing monitors, stopping anvil. Extra Monitor processes run with the AppHost monitor's
/// own environment (read from its resource snapshot), so they compete for the same leader lease.
/// </summary>
public sealed partial class OwnMonitorPlatform : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<Process> _extras = [];
    private readonly Queue<string> _log = new();

    private OwnMonitorPlatform(AspirePlatform platform, string dataDir, string chainUrl, string monitorDb)
    {
        Platform = platform;
        DataDir = dataDir;
        Rpc = new EthRpcClient(Http, new EthRpcClientOptions { Endpoint = new Uri(chainUrl) });
        MonitorDb = monitorDb;
        using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDir, "secrets.json")));
        Signer = EthKey.FromHex(secrets.RootElement.GetProperty("chain-signer-key").GetString()!);
        Factory = PlatformDeployment.Predict(Signer.Address).Factory;
        Chain = new MonitorChain(Rpc, Signer, Factory);
    }

    public AspirePlatform Platform { get; }
    public string DataDir { get; }
    public EthRpcClient Rpc { get; }
    public string MonitorDb { get; }
    public EthKey Signer { get; }
    public Address Factory { get; }
    public MonitorChain Chain { get; }

    public static async Task<OwnMonitorPlatform> StartAsync(string purpose)
    {
        var dataDir = TestRuns.CreateDataDirectory(purpose);
        var platform = await AspirePlatform.StartAsync(dataDir);
        try
        {
            await platform.WaitForHealthyAsync(ResourceNames.Gateway, TimeSpan.FromSeconds(240));
            var own = new OwnMonitorPlatform(platform, dataDir,
                (await platform.App.GetConnectionStringAsync(ResourceNames.Chain))!, (await platform.App.GetConnectionStringAsync(ResourceNames.MonitorDb))!);
            // TokenAdmin deploys the factory in the background once the chain is up.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await own.Rpc.GetCodeAsync(own.Factory, BlockTag.Latest)).Length == 0)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The factory was not deployed.");
                }
                await Task.Delay(250);
            }
            return own;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    /// <summary>The pid of an executable resource's process, from its snapshot.</summary>
    public int Pid(string resource) => int.Parse(
        Platform.Snapshot(resource).Properties.Single(p => p.Name == "executable.pid").Value!.ToString()!, CultureInfo.InvariantCulture);

    /// <summary>
    /// The processes of a project resource (DCP's <c>dotnet run</c> and the service it runs), found by the address
    /// they were told to listen on; the service first, so that killing in order leaves no orphan.
    /// </summary>
    public List<int> ServicePids(string resource)
    {
        var port = Platform.App.GetEndpoint(resource, "http").Port;
        var pids = new List<int>();
        foreach (var pid in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(n => int.TryParse(n, out var p) ? p : 0).Where(p => p > 0))
        {
            string environment;
            try
            {
                environment = File.ReadAllText($"/proc/{pid}/environ");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (environment.Split('\0').Any(v => v.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal) && v.EndsWith($":{port}", StringComparison.Ordinal)))
            {
                pids.Add(pid);
            }
        }
        pids.Should().NotBeEmpty($"a process listens for {resource} on port {port}");
        return [.. pids.OrderByDescending(p => File.ReadAllText($"/proc/{p}/cmdline").Contains("\0run\0", StringComparison.Ordinal) ? 0 : 1)];
    }

    /// <summary>Kills the AppHost's monitor (as a crash would), so that monitors started by the test lead alone.</summary>
    public async Task KillAppHostMonitorAsync()
    {
        foreach (var pid in ServicePids(ResourceNames.Monitor))
        {
            Process process;
            try
            {
                process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                continue; // gone already (a launcher that has exited)
            }

            using (process)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
    }

    /// <summary>Stops a resource through the AppHost (as the dashboard's Stop does) and waits until it is down.</summary>
    public async Task StopResourceAsync(string resourceName)
    {
        await ExecuteAsync(resourceName, KnownResourceCommands.StopCommand);
        await Platform.WaitForAsync(resourceName, s => s.State?.Text is "Exited" or "Finished" or "Stopped" || s.ExitCode is not null, TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a stopped resource again and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string resourceName)
    {
        await ExecuteAsync(resourceName, KnownResourceCommands.StartCommand);
        await Platform.WaitForHealthyAsync(resourceName, TimeSpan.FromSeconds(180));
    }

    /// <summary>Starts another Monitor with the AppHost monitor's environment (plus <paramref name="overrides"/>) on a free port.</summary>
    public async Task<(Process Process, Uri Url)> StartExtraMonitorAsync(IDictionary<string, string>? overrides = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", Path.Combine(TestRuns.RepositoryRoot(), "services/Monitor/bin/Release/net10.0/Tokenizer.Monitor.dll"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(TestRuns.RepositoryRoot(), "services/Monitor"),
        };
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }
        foreach (var variable in Platform.Snapshot(ResourceNames.Monitor).EnvironmentVariables)
        {
            start.Environment[variable.Name] = variable.Value;
        }
        start.Environment.Remove("HTTP_PORTS");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => KeepLogLine(e.Data);
        process.ErrorDataReceived += (_, e) => KeepLogLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _extras.Add(process);
        var url = new Uri($"http://127.0.0.1:{port}");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(url, "/healthz"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (process, url);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new TimeoutException($"The extra monitor did not come up (exited: {process.HasExited}).");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The last lines the extra monitors wrote (stack-trace frames left out), for a failing test's output: which cycle
    /// or publish failed, and why.
    /// </summary>
    public IReadOnlyList<string> RecentExtraMonitorLog()
    {
        lock (_log)
        {
            return [.. _log];
        }
    }

    /// <summary>The Monitor's latest outbox rows (sequence, type, dispatched, attempts, last error), newest first.</summary>
    public async Task<List<string>> RecentOutboxAsync(int count = 12)
    {
        await using var connection = new NpgsqlConnection(MonitorDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select sequence, split_part(split_part(message_type, ',', 1), '.', -1), dispatched_at is not null, attempts, coalesce(left(last_error, 200), '')
            from outbox_messages order by sequence desc limit @n
            """, connection);
        command.Parameters.AddWithValue("n", count);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add($"#{reader.GetInt64(0)} {reader.GetString(1)} dispatched={reader.GetBoolean(2)} attempts={reader.GetInt32(3)} {reader.GetString(4)}");
        }
        return rows;
    }

    private void KeepLogLine(string? line)
    {
        line = line is null ? null : AnsiEscape().Replace(line, "");
        var trimmed = line?.TrimStart();
        if (string.IsNullOrWhiteSpace(trimmed) || trimmed.StartsWith("at ", StringComparison.Ordinal) || trimmed.StartsWith("---", StringComparison.Ordinal))
        {
            return; // stack frames and inner-exception markers: the messages are what a reader needs
        }
        lock (_log)
        {
            _log.Enqueue($"{DateTime.UtcNow:HH:mm:ss.f} {line}");
            while (_log.Count > 60)
            {
                _log.Dequeue();
            }
        }
    }

    /// <summary>The history feed as the Monitor published it (each batch is stored in the transaction that enqueued it).</summary>
    public async Task<List<JsonObject>> FeedAsync()
    {
        await using var connection = new NpgsqlConnection(MonitorDb);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select body::text from monitor_history_batches where factory = @f order by sequence", connection);
        command.Parameters.AddWithValue("f", Factory.ToLowerHex());
        var batches = new List<JsonObject>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            batches.Add(JsonNode.Parse(reader.GetString(0))!.AsObject());
        }
        return batches;
    }

    /// <summary>Added minus removed, folded in sequence order: what a consumer of the feed holds, keyed by (block hash, log index).</summary>
    public static Dictionary<(string, int), JsonObject> Fold(IEnumerable<JsonObject> feed)
    {
        var held = new Dictionary<(string, int), JsonObject>();
        foreach (var batch in feed)
        {
            foreach (var removed in batch["removed"]!.AsArray())
            {
                held.Remove((removed!["blockHash"]!.GetValue<string>(), removed["logIndex"]!.GetValue<int>())).Should().BeTrue("a removal names an event the feed carried");
            }
            foreach (var added in batch["added"]!.AsArray())
            {
                held.TryAdd((added!["blockHash"]!.GetValue<string>(), added["logIndex"]!.GetValue<int>()), added.AsObject()).Should().BeTrue("an event is added once");
            }
        }
        return held;
    }

    /// <summary>Mint and burn logs of the token on the canonical chain up to <paramref name="toBlock"/>, by (block hash, log index).</summary>
    public async Task<HashSet<(string, int)>> CanonicalHistoryAsync(Address token, ulong toBlock)
    {
        var logs = await Rpc.GetLogsAsync(new LogFilter { FromBlock = BlockTag.Number(0), ToBlock = BlockTag.Number(toBlock), Addresses = [token] });
        return TokenizerEvents.DecodeAll(logs)
            .Where(e => e is Erc20MintedEvent or Erc20BurnedEvent or Erc721MintedEvent or Erc721BurnedEvent)
            .Select(e => (e.Log.BlockHash!.Value.ToString(), (int)e.Log.LogIndex!.Value)).ToHashSet();
    }

    public async Task<JsonNode> RpcAsync(string method, params JsonNode?[] parameters) =>
        JsonNode.Parse((await Rpc.RequestAsync(method, parameters)).GetRawText())!;

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _extras)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        await Platform.DisposeAsync();
        TestRuns.TryDelete(DataDir);
    }

    private async Task ExecuteAsync(string resourceName, string command)
    {
        var resource = Platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var result = await Platform.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command);
        result.Success.Should().BeTrue($"{command} {resourceName}: {result.Message}");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex AnsiEscape();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
