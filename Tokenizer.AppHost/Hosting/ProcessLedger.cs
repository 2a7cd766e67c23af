using System.Globalization;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// The pid file of one AppHost run: the AppHost's own pid and every child it started, each with its start time
/// (from /proc/&lt;pid&gt;/stat) and a fragment of its command line. On the next start, a child of a run that died
/// hard is killed only if the same process (same pid and start time) still runs with that command line.
/// </summary>
public sealed class ProcessLedger
{
    public const string FileName = "apphost.pids";

    private readonly object _gate = new();
    private readonly string _path;

    private ProcessLedger(string path) => _path = path;

    public string Path => _path;

    /// <summary>Kills what a dead previous run left behind, then starts a new ledger for this run.</summary>
    public static ProcessLedger Open(string dataDirectory, TextWriter log)
    {
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            KillLeftovers(path, log);
        }

        var self = Environment.ProcessId;
        File.WriteAllText(path, $"apphost\t{self}\t{ProcStat.StartTime(self)}{Environment.NewLine}");
        return new ProcessLedger(path);
    }

    /// <summary>
    /// For a data folder whose AppHost is gone (tests' temporary folders): kills what that run left behind.
    /// Returns false, and touches nothing, while the AppHost that owns the folder still runs.
    /// </summary>
    public static bool CleanUpAfterDeadRun(string dataDirectory, TextWriter log)
    {
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            KillLeftovers(path, log);
        }
        catch (DistributedApplicationException)
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Line format: child, pid, start time, stop signal, command-line marker, resource name (tab-separated).</summary>
    public void Record(int pid, int stopSignal, string marker, string name)
    {
        var line = string.Join('\t', "child", pid.ToString(CultureInfo.InvariantCulture), ProcStat.StartTime(pid).ToString(CultureInfo.InvariantCulture),
            stopSignal.ToString(CultureInfo.InvariantCulture), marker.Replace('\t', ' '), name);
        lock (_gate)
        {
            File.AppendAllText(_path, line + Environment.NewLine);
        }
    }

    public IReadOnlyList<int> RecordedPids()
    {
        lock (_gate)
        {
            return File.Exists(_path)
                ? File.ReadAllLines(_path).Select(l => l.Split('\t')).Where(p => p.Length >= 2)
                    .Select(p => int.Parse(p[1], CultureInfo.InvariantCulture)).ToList()
                : [];
        }
    }

    /// <summary>Marks a clean stop: nothing is left to kill.</summary>
    public void Close()
    {
        lock (_gate)
        {
            File.Delete(_path);
        }
    }

    private static void KillLeftovers(string path, TextWriter log)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Split('\t')).ToList();
        var owner = lines.FirstOrDefault(p => p[0] == "apphost" && p.Length >= 3);
        if (owner is not null)
        {
            var pid = int.Parse(owner[1], CultureInfo.InvariantCulture);
            // Alive means in use, even when the owner is this very process: a test host runs several topologies,
            // and sweeping for dead runs must never touch a live one.
            if (ProcStat.StartTime(pid).ToString(CultureInfo.InvariantCulture) == owner[2])
            {
                throw new DistributedApplicationException(
                    $"The data folder {System.IO.Path.GetDirectoryName(path)} is in use by a running AppHost (pid {pid}). Stop it first or use --data-dir.");
            }
        }

        var leftovers = new List<(int Pid, int Signal)>();
        foreach (var parts in lines.Where(p => p[0] == "child" && p.Length >= 5))
        {
            var pid = int.Parse(parts[1], CultureInfo.InvariantCulture);
            if (ProcStat.StartTime(pid).ToString(CultureInfo.InvariantCulture) == parts[2] && ProcStat.CommandLine(pid).Contains(parts[4], StringComparison.Ordinal))
            {
                leftovers.Add((pid, int.Parse(parts[3], CultureInfo.InvariantCulture)));
            }
        }

        if (leftovers.Count == 0)
        {
            return;
        }

        log.WriteLine($"Stopping {leftovers.Count} process(es) left by an AppHost run that did not stop cleanly: {string.Join(", ", leftovers.Select(l => l.Pid))}");
        // Dependants were recorded after their dependencies: stop newest first.
        foreach (var (pid, signal) in Enumerable.Reverse(leftovers))
        {
            ManagedProcess.Signal(pid, signal);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (ManagedProcess.IsAlive(pid) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }

            ManagedProcess.Signal(-pid, ManagedProcess.SigKill);
            ManagedProcess.Signal(pid, ManagedProcess.SigKill);
        }
    }
}

internal static class ProcStat
{
    /// <summary>Start time in clock ticks since boot (field 22 of /proc/&lt;pid&gt;/stat); 0 when the process is gone.</summary>
    public static long StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The command line with arguments joined by spaces; empty when the process is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    public static long? RssKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
