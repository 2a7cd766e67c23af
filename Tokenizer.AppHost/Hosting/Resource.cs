namespace Tokenizer.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Healthy,
    Unhealthy,
    Exited,
    FailedToStart,
}

/// <summary>A point-in-time view of one resource, as the console table and the tests see it.</summary>
public sealed record ResourceSnapshot(
    string Name,
    ResourceState State,
    string? Endpoint,
    int? Pid,
    int? ExitCode,
    string? Reason,
    string? LogPath)
{
    public string StateText => State switch
    {
        ResourceState.Exited => $"Exited({ExitCode})",
        ResourceState.FailedToStart => "FailedToStart",
        _ => State.ToString(),
    };
}

public interface IResource
{
    string Name { get; }
}

public interface IResourceWithConnectionString : IResource
{
    /// <summary>The value passed to dependants as <c>ConnectionStrings__{Name}</c>; known once ports are allocated.</summary>
    string GetConnectionString();
}

public interface IResourceWithServiceDiscovery : IResource
{
    /// <summary>The value passed to dependants as <c>services__{Name}__http__0</c>.</summary>
    string GetHttpUrl();
}

public enum HealthStatus
{
    NotReady,
    Running,
    Healthy,
}

/// <summary>
/// A resource the AppHost runs or points at. Subclasses say how to start it, how to tell that it is healthy and
/// how to stop it; the orchestrator owns the order, the timeouts and the states.
/// </summary>
public abstract class Resource(string name) : IResource
{
    private readonly object _gate = new();
    private ResourceSnapshot? _snapshot;

    public string Name { get; } = name;

    public List<Resource> WaitsFor { get; } = [];

    public List<Resource> References { get; } = [];

    public Dictionary<string, Func<string>> Environment { get; } = new(StringComparer.Ordinal);

    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Set when the resource runs as a server we started, cleared for an existing server from configuration.</summary>
    public ManagedProcess? Process { get; protected set; }

    public string? LogPath { get; protected set; }

    public event Action<ResourceSnapshot>? StateChanged;

    public ResourceSnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _snapshot ??= new ResourceSnapshot(Name, ResourceState.NotStarted, null, null, null, null, LogPath);
            }
        }
    }

    public ResourceState State => Snapshot.State;

    /// <summary>Loopback ports this resource needs, by purpose (e.g. "tcp", "dist", "epmd"); allocated before start.</summary>
    public virtual IReadOnlyList<PortRequest> PortRequests => [];

    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    /// <summary>Executables that must exist before anything starts.</summary>
    public virtual IEnumerable<Prerequisite> GetPrerequisites() => [];

    public virtual string? DisplayEndpoint => null;

    public abstract Task StartAsync(HostingContext context, CancellationToken cancellationToken);

    public abstract Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken);

    public virtual async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Process is not null)
        {
            await Process.StopAsync(cancellationToken);
        }
    }

    /// <summary>Infrastructure that never became healthy in time is stopped; a project keeps running as Unhealthy.</summary>
    public virtual bool StopWhenStartTimesOut => true;

    internal void SetState(ResourceState state, string? reason = null, int? exitCode = null)
    {
        ResourceSnapshot next;
        lock (_gate)
        {
            var current = Snapshot;
            // An exit is final: a late health result must not paint a dead process as healthy again.
            if (current.State is ResourceState.Exited or ResourceState.FailedToStart && state is not (ResourceState.Exited or ResourceState.FailedToStart))
            {
                return;
            }

            next = current with
            {
                State = state,
                Reason = reason,
                ExitCode = exitCode ?? (state == ResourceState.Exited ? current.ExitCode : null),
                Endpoint = DisplayEndpoint,
                Pid = Process?.Pid,
                LogPath = LogPath,
            };
            if (next == current)
            {
                return;
            }

            _snapshot = next;
        }

        StateChanged?.Invoke(next);
    }

    public override string ToString() => Name;
}

public sealed record PortRequest(string Purpose, int? FixedPort = null);

public sealed record Prerequisite(string Description, string Path, string InstallHint);
