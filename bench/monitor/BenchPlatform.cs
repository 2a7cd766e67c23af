using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Tokenizer.AppHost;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Bench.Monitor;

/// <summary>
/// A platform of the bench's own: the real AppHost (its own data folder, the gateway on a free port), started through
/// Aspire.Hosting.Testing so that the bench knows every resource's address. Extra Monitor processes run with the
/// AppHost monitor's environment, each on a database of its own when a backfill is timed.
/// </summary>
public sealed class BenchPlatform : IAsyncDisposable
{
    private readonly List<Process> _monitors = [];

    private BenchPlatform(DistributedApplication app, string dataDir, string chainUrl, string monitorDb, string repositoryRoot)
    {
        App = app;
        DataDir = dataDir;
        ChainUrl = chainUrl;
        MonitorDb = monitorDb;
        RepositoryRoot = repositoryRoot;
        Http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        Rpc = new EthRpcClient(Http, new EthRpcClientOptions { Endpoint = new Uri(chainUrl) });
        using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDir, "secrets.json")));
        SignerKeyHex = secrets.RootElement.GetProperty("chain-signer-key").GetString()!;
        Signer = EthKey.FromHex(SignerKeyHex);
        Factory = PlatformDeployment.Predict(Signer.Address).Factory;
    }

    public DistributedApplication App { get; }
    public string DataDir { get; }
    public string ChainUrl { get; }
    public string MonitorDb { get; }
    public string RepositoryRoot { get; }
    public HttpClient Http { get; }
    public EthRpcClient Rpc { get; }
    public EthKey Signer { get; }

    /// <summary>The platform signer's key, for the seeding script's environment only (never printed).</summary>
    public string SignerKeyHex { get; }
    public Address Factory { get; }
    public Uri Gateway => App.GetEndpoint(ResourceNames.Gateway, "http");
    public Uri MonitorUrl => App.GetEndpoint(ResourceNames.Monitor, "http");

    public static async Task<BenchPlatform> StartAsync(string repositoryRoot)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"tokenizer-monitorbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        string[] args = ["--data-dir", dataDir, "--gateway-port", "0", "--environment", "Development"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Tokenizer_AppHost>(args, (options, _) =>
        {
            options.DisableDashboard = true;
            options.AllowUnsecuredTransport = true;
        });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Tokenizer.AppHost.Resources", LogLevel.None));
        var app = await builder.BuildAsync();
        await app.StartAsync();
        using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync(ResourceNames.Gateway, cts.Token);
        }
        var platform = new BenchPlatform(app, dataDir,
            (await app.GetConnectionStringAsync(ResourceNames.Chain))!, (await app.GetConnectionStringAsync(ResourceNames.MonitorDb))!, repositoryRoot);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await platform.Rpc.GetCodeAsync(platform.Factory, BlockTag.Latest)).Length == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("TokenAdmin did not deploy the factory.");
            }
            await Task.Delay(250);
        }
        return platform;
    }

    /// <summary>An operator access token from the Development operator client, through the gateway.</summary>
    public async Task<string> OperatorTokenAsync()
    {
        using var response = await Http.PostAsync(new Uri(Gateway, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "tokenizer-operator",
            ["client_secret"] = "dev-operator-secret",
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    public async Task ResourceCommandAsync(string resourceName, string command)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var result = await App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} {resourceName}: {result.Message}");
        }
        if (command == KnownResourceCommands.StartCommand)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await App.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync(resourceName, cts.Token);
        }
    }

    /// <summary>A new empty database on the platform's PostgreSQL, for one Monitor's timed backfill.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(MonitorDb))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(MonitorDb) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Starts a Monitor with the AppHost monitor's environment plus <paramref name="overrides"/>, on a free port: this
    /// tree's build, or the one in <paramref name="buildDirectory"/> (another commit's, to compare both in one run).
    /// </summary>
    public async Task<(Process Process, Uri Url)> StartMonitorAsync(IDictionary<string, string> overrides, string? logFile = null, string? buildDirectory = null)
    {
        var port = FreePort();
        var dll = Path.Combine(buildDirectory ?? Path.Combine(RepositoryRoot, "services/Monitor/bin/Release/net10.0"), "Tokenizer.Monitor.dll");
        var start = new ProcessStartInfo("dotnet", dll)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepositoryRoot, "services/Monitor"),
        };
        start.Environment.Clear();
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        if (!notifications.TryGetCurrentState(ResourceNames.Monitor, out var monitor))
        {
            throw new InvalidOperationException("No state for the monitor resource.");
        }
        foreach (var variable in monitor.Snapshot.EnvironmentVariables)
        {
            start.Environment[variable.Name] = variable.Value;
        }
        start.Environment.Remove("HTTP_PORTS");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in overrides)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        var log = logFile is null ? null : TextWriter.Synchronized(new StreamWriter(logFile) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => log?.WriteLine(e.Data);
        process.ErrorDataReceived += (_, e) => log?.WriteLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _monitors.Add(process);
        var url = new Uri($"http://127.0.0.1:{port}");
        var deadline = DateTime.UtcNow.AddSeconds(120);
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
                throw new TimeoutException($"The bench monitor did not come up (exited: {process.HasExited}).");
            }
            await Task.Delay(100);
        }
    }

    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _monitors)
        {
            await StopAsync(process);
            process.Dispose();
        }
        await App.DisposeAsync();
        Http.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {DataDir}: {e.Message}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
