using Microsoft.Extensions.Configuration;

namespace Tokenizer.AppHost.Hosting;

/// <summary>What a resource needs from the run it belongs to.</summary>
public sealed class HostingContext
{
    internal HostingContext(DataFolder data, ProcessLedger ledger, string repositoryRoot, string environmentName, string buildConfiguration, IConfiguration configuration)
    {
        Data = data;
        Ledger = ledger;
        RepositoryRoot = repositoryRoot;
        EnvironmentName = environmentName;
        BuildConfiguration = buildConfiguration;
        Configuration = configuration;
    }

    public DataFolder Data { get; }

    public ProcessLedger Ledger { get; }

    public string RepositoryRoot { get; }

    public string EnvironmentName { get; }

    public string BuildConfiguration { get; }

    public IConfiguration Configuration { get; }

    private readonly List<int> _startedPids = [];

    /// <summary>Every process started in this run, helpers included.</summary>
    public IReadOnlyList<int> StartedPids
    {
        get
        {
            lock (_startedPids)
            {
                return _startedPids.ToList();
            }
        }
    }

    public ManagedProcess StartProcess(ProcessSpec spec)
    {
        var process = ManagedProcess.Start(spec, Ledger);
        lock (_startedPids)
        {
            _startedPids.Add(process.Pid);
        }

        return process;
    }

    /// <summary>Runs a short-lived helper (initdb) to completion, with its output in the resource's log.</summary>
    public async Task RunToCompletionAsync(ProcessSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = StartProcess(spec);
        try
        {
            var code = await process.Exited.WaitAsync(timeout, cancellationToken);
            if (code != 0)
            {
                throw new DistributedApplicationException($"{spec.FileName} exited with code {code}; see {spec.LogPath}");
            }
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw new DistributedApplicationException($"{spec.FileName} did not finish within {timeout.TotalSeconds:0}s; see {spec.LogPath}");
        }
    }
}

public sealed class DistributedApplicationException(string message) : Exception(message);

internal static class Prerequisites
{
    /// <summary>Every missing executable at once, each with the command that installs it.</summary>
    public static void EnsureAll(IEnumerable<Resource> resources)
    {
        var missing = resources.SelectMany(r => r.GetPrerequisites())
            .Where(p => !IsExecutable(p.Path))
            .DistinctBy(p => p.Path)
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var lines = missing.Select(p => $"  - {p.Description}: {p.Path} not found. Install: {p.InstallHint}");
        throw new DistributedApplicationException(
            "Missing prerequisites (nothing was started):" + Environment.NewLine + string.Join(Environment.NewLine, lines)
            + Environment.NewLine + "  (or run script/bootstrap)");
    }

    public static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>Finds a program on PATH; null when absent.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(IsExecutable);

    public const string AptHint = "sudo apt-get install -y postgresql redis-server rabbitmq-server";
}
