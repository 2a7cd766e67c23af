using System.Globalization;

namespace Tokenizer.Bench.Ledger;

/// <summary>Resident memory of another process from /proc, sampled while a measured request runs.</summary>
public sealed class ProcessMemory(int? pid)
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
