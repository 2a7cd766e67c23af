using System.Globalization;

namespace Tokenizer.Bench.Ledger;

/// <summary>Another process's resident memory and CPU time from /proc (LedgerData's, while it is measured).</summary>
public sealed class ProcessProbe(int? pid)
{
    public bool Known => pid is not null && File.Exists($"/proc/{pid}/status");

    /// <summary>A /proc status field in MB (VmRSS now, VmHWM the peak since the process started); 0 when unknown.</summary>
    public double ReadMb(string field)
    {
        if (!Known)
        {
            return 0;
        }
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }

    /// <summary>User + system CPU seconds used so far; 0 when unknown.</summary>
    public double CpuSeconds()
    {
        if (!Known)
        {
            return 0;
        }
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15, in clock ticks.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Runs <paramref name="work"/> while sampling VmRSS every 5 ms; returns the highest sample in MB.</summary>
    public async Task<double> PeakDuringAsync(Func<Task> work)
    {
        var peak = ReadMb("VmRSS");
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, ReadMb("VmRSS"));
                await Task.Delay(5, CancellationToken.None);
            }
        });
        try
        {
            await work();
        }
        finally
        {
            await done.CancelAsync();
            await sampler;
        }
        return Math.Max(peak, ReadMb("VmRSS"));
    }
}
