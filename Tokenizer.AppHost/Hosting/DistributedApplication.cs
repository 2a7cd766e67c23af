using System.Runtime.InteropServices;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A built topology. <see cref="StartAsync"/> checks prerequisites and the fixed ports, clears leftovers of a run
/// that died hard, allocates ports and then starts each resource as soon as everything it waits for is healthy.
/// <see cref="StopAsync"/> stops dependants before their dependencies.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private static readonly TimeSpan StartupPollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan RunningPollInterval = TimeSpan.FromSeconds(5);

    private readonly List<Resource> _resources;
    private readonly string _repositoryRoot;
    private readonly string _environmentName;
    private readonly string _buildConfiguration;
    private readonly IConfiguration _configuration;
    private readonly ConsoleTable _table;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _runners = [];
    private HostingContext? _context;
    private bool _stopped;

    internal DistributedApplication(List<Resource> resources, string dataDirectory, string repositoryRoot, string environmentName,
        string buildConfiguration, IConfiguration configuration, TextWriter? output)
    {
        _resources = resources;
        DataDirectory = dataDirectory;
        _repositoryRoot = repositoryRoot;
        _environmentName = environmentName;
        _buildConfiguration = buildConfiguration;
        _configuration = configuration;
        _table = new ConsoleTable(resources, output);
    }

    public static IDistributedApplicationBuilder CreateBuilder(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.Out.Write(Usage);
            Environment.Exit(0);
        }
        return new DistributedApplicationBuilder(new DistributedApplicationOptions { Args = args });
    }

    /// <summary>What <c>--help</c> prints: every option, with its configuration key and default.</summary>
    public const string Usage = """
        Tokenizer AppHost: starts PostgreSQL, Redis, RabbitMQ, anvil, the four services and the gateway; Ctrl+C stops all.

        Options (each also settable as configuration, e.g. environment variable Gateway__Port=8081):
          --gateway-port <port>      Gateway:Port          the gateway's port (default 8080)
          --data-dir <folder>        AppHost:DataDir       databases, broker, chain state, logs (default <repo>/.tokenizer)
          --environment <name>       DOTNET_ENVIRONMENT    passed to every service (default Development)
          --Anvil:Path <file>                              anvil binary (default node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil)
          --Postgres:BinDirectory <folder>                 PostgreSQL binaries (default /usr/lib/postgresql/<newest>/bin)
          --Redis:ServerPath <file>                        redis-server (default /usr/bin/redis-server)
          --RabbitMQ:ServerPath <file>, --RabbitMQ:EpmdPath <file>

        Existing servers instead of starting them: set ConnectionStrings__postgres, ConnectionStrings__redis,
        ConnectionStrings__rabbitmq or ConnectionStrings__chain.

        """;

    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) =>
        new DistributedApplicationBuilder(options);

    public string DataDirectory { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IReadOnlyList<ResourceSnapshot> Snapshots => _resources.Select(r => r.Snapshot).ToList();

    /// <summary>Every process this run started (servers, epmd, helpers such as initdb), for leak checks.</summary>
    public IReadOnlyList<int> StartedProcessIds => _context?.StartedPids ?? [];

    public Resource GetResource(string name) =>
        _resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No resource named '{name}'.");

    public string GetConnectionString(string name) => GetResource(name) switch
    {
        IResourceWithConnectionString r => r.GetConnectionString(),
        var r => throw new InvalidOperationException($"'{r.Name}' has no connection string."),
    };

    public Uri GetEndpoint(string name) => GetResource(name) switch
    {
        IResourceWithServiceDiscovery r => new Uri(r.GetHttpUrl()),
        var r => throw new InvalidOperationException($"'{r.Name}' has no HTTP endpoint."),
    };

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Prerequisites.EnsureAll(_resources);

        var data = new DataFolder(DataDirectory);
        var ledger = ProcessLedger.Open(data.Root, _table.Writer);
        _context = new HostingContext(data, ledger, _repositoryRoot, _environmentName, _buildConfiguration, _configuration);
        try
        {
            AllocatePorts(data);
        }
        catch
        {
            ledger.Close();
            throw;
        }

        foreach (var resource in _resources)
        {
            resource.StateChanged += _table.OnStateChanged;
        }

        _table.Start(data.Root);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, cancellationToken).Token;
        foreach (var resource in _resources)
        {
            _runners.Add(Task.Run(() => RunResourceAsync(resource, linked), CancellationToken.None));
        }

        await Task.Yield();
    }

    /// <summary>Completes when the resource is healthy; throws when it exits, fails or the timeout passes.</summary>
    public async Task WaitForResourceHealthyAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var resource = GetResource(name);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = resource.Snapshot;
            switch (snapshot.State)
            {
                case ResourceState.Healthy:
                    return;
                case ResourceState.Exited or ResourceState.FailedToStart:
                    throw new DistributedApplicationException($"{name} is {snapshot.StateText}: {snapshot.Reason}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} is still {snapshot.StateText} after {timeout.TotalSeconds:0}s ({snapshot.Reason}).");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped || _context is null)
        {
            return;
        }

        _stopped = true;
        _table.Message("Stopping…");
        await _stopping.CancelAsync();
        await Task.WhenAll(_runners).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);

        // A resource stops once everything that depends on it has stopped.
        var stops = new Dictionary<Resource, Task>();
        Task StopInOrder(Resource resource)
        {
            if (!stops.TryGetValue(resource, out var task))
            {
                var dependants = _resources.Where(r => r.WaitsFor.Contains(resource) || r.References.Contains(resource)).ToList();
                task = stops[resource] = StopAfterAsync(resource, dependants.Select(StopInOrder).ToList(), cancellationToken);
            }

            return task;
        }

        await Task.WhenAll(_resources.Select(StopInOrder));
        _context.Ledger.Close();
        _table.Stop();
    }

    private static async Task StopAfterAsync(Resource resource, List<Task> dependants, CancellationToken cancellationToken)
    {
        await Task.WhenAll(dependants);
        try
        {
            await resource.StopAsync(cancellationToken);
            if (resource.Process is { HasExited: true } process)
            {
                resource.SetState(ResourceState.Exited, "stopped", await process.Exited);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            resource.SetState(ResourceState.Exited, $"stop failed: {e.Message}");
        }
    }

    /// <summary>Runs until Ctrl+C or SIGTERM, then stops everything. Returns the process exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        try
        {
            await StartAsync(stop.Token);
        }
        catch (DistributedApplicationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: the normal way out.
        }

        await StopAsync(CancellationToken.None);
        return 0;
    }

    public void Run() => Environment.ExitCode = RunAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private void AllocatePorts(DataFolder data)
    {
        foreach (var resource in _resources)
        {
            foreach (var request in resource.PortRequests)
            {
                if (request.FixedPort is { } fixedPort)
                {
                    if (!LocalPorts.IsFree(fixedPort))
                    {
                        var holder = LocalPorts.DescribeHolder(fixedPort);
                        throw new DistributedApplicationException(
                            $"Port {fixedPort} for '{resource.Name}' is already in use{(holder is null ? "" : " by " + holder)}. Stop that process or choose another port (--gateway-port / Gateway:Port).");
                    }

                    resource.Ports[request.Purpose] = fixedPort;
                    continue;
                }

                var key = $"{resource.Name}.{request.Purpose}";
                var saved = data.GetSavedPort(key);
                var port = saved is { } p && LocalPorts.IsFree(p) && !IsTaken(p) ? p : NewPort();
                resource.Ports[request.Purpose] = port;
                data.SavePort(key, port);
            }
        }
    }

    private bool IsTaken(int port) => _resources.Any(r => r.Ports.ContainsValue(port));

    private int NewPort()
    {
        while (true)
        {
            var port = LocalPorts.GetFreePort();
            if (!IsTaken(port))
            {
                return port;
            }
        }
    }

    private async Task RunResourceAsync(Resource resource, CancellationToken cancellationToken)
    {
        try
        {
            await WaitForDependenciesAsync(resource, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                resource.SetState(ResourceState.Starting);
                try
                {
                    await resource.StartAsync(_context!, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    resource.SetState(ResourceState.FailedToStart, e.Message);
                    return;
                }

                if (resource.Process is not null)
                {
                    resource.SetState(ResourceState.Running);
                }

                var outcome = await MonitorAsync(resource, cancellationToken);
                if (outcome != MonitorOutcome.ExitedDuringStart || attempt == 3 || !ReallocateTakenPorts(resource))
                {
                    break;
                }

                // Someone took a port between allocation and bind: start again on fresh ports.
                resource.SetState(ResourceState.Starting, "port taken by another process; retrying on a new port");
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private bool ReallocateTakenPorts(Resource resource)
    {
        var taken = resource.PortRequests.Where(r => r.FixedPort is null && !LocalPorts.IsFree(resource.Ports[r.Purpose])).ToList();
        foreach (var request in taken)
        {
            resource.Ports[request.Purpose] = NewPort();
            _context!.Data.SavePort($"{resource.Name}.{request.Purpose}", resource.Ports[request.Purpose]);
        }

        return taken.Count > 0;
    }

    private static async Task WaitForDependenciesAsync(Resource resource, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = resource.WaitsFor.Where(d => d.State != ResourceState.Healthy).ToList();
            if (pending.Count == 0)
            {
                return;
            }

            resource.SetState(ResourceState.Waiting, "waiting for " + string.Join(", ", pending.Select(d => $"{d.Name} ({d.Snapshot.StateText})")));
            await Task.Delay(100, cancellationToken);
        }
    }

    private enum MonitorOutcome
    {
        Stopped,
        Exited,
        ExitedDuringStart,
        TimedOut,
    }

    private async Task<MonitorOutcome> MonitorAsync(Resource resource, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + resource.StartTimeout;
        var everHealthy = false;
        var failures = 0;
        var timedOut = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (resource.Process is { HasExited: true } process)
            {
                var code = await process.Exited;
                resource.SetState(ResourceState.Exited, $"exited with code {code}; log: {process.LogPath}", code);
                return everHealthy ? MonitorOutcome.Exited : MonitorOutcome.ExitedDuringStart;
            }

            var status = await CheckAsync(resource, cancellationToken);
            if (resource.Process is { HasExited: true })
            {
                continue;
            }

            switch (status)
            {
                case HealthStatus.Healthy:
                    everHealthy = true;
                    failures = 0;
                    resource.SetState(ResourceState.Healthy);
                    break;
                case HealthStatus.Running when !everHealthy && !timedOut:
                    resource.SetState(ResourceState.Running, "live, not ready yet");
                    break;
                default:
                    if (everHealthy && ++failures >= 3)
                    {
                        resource.SetState(ResourceState.Unhealthy, $"health check failing; log: {resource.LogPath}");
                    }

                    break;
            }

            if (!everHealthy && !timedOut && DateTime.UtcNow > deadline)
            {
                timedOut = true;
                var message = $"not healthy within {resource.StartTimeout.TotalSeconds:0}s; log: {resource.LogPath}";
                if (resource.StopWhenStartTimesOut)
                {
                    resource.SetState(ResourceState.FailedToStart, message);
                    await resource.StopAsync(CancellationToken.None);
                    return MonitorOutcome.TimedOut;
                }

                resource.SetState(ResourceState.Unhealthy, message);
            }

            // Wake at once when the process dies, so Exited shows without waiting for the next poll.
            var delay = Task.Delay(everHealthy ? RunningPollInterval : StartupPollInterval, cancellationToken);
            await Task.WhenAny(delay, resource.Process?.Exited ?? delay);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return MonitorOutcome.Stopped;
    }

    private static async Task<HealthStatus> CheckAsync(Resource resource, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await resource.CheckHealthAsync(timeout.Token);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused connections and timeouts are the normal "not yet" of a starting server.
            return HealthStatus.NotReady;
        }
    }
}
