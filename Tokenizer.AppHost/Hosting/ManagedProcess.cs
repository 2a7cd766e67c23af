using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// One child process. It runs in its own session (setsid) so a Ctrl+C on the terminal reaches only the AppHost,
/// which then stops children in dependency order, and so its whole process group can be killed at the end.
/// Output goes straight to the log file (no pipes through the AppHost), and the pid we hold is the server's own:
/// the wrapper shell and setsid both exec.
/// </summary>
public sealed class ManagedProcess
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process, string name, string logPath, int stopSignal, TimeSpan stopTimeout)
    {
        _process = process;
        Name = name;
        LogPath = logPath;
        StopSignal = stopSignal;
        StopTimeout = stopTimeout;
        Pid = process.Id;
        _ = WatchAsync();
    }

    public string Name { get; }

    public int Pid { get; }

    public string LogPath { get; }

    public int StopSignal { get; }

    public TimeSpan StopTimeout { get; }

    public bool StopRequested { get; private set; }

    /// <summary>Completes with the exit code when the process ends (128+signal when a signal ended it).</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ManagedProcess Start(ProcessSpec spec, ProcessLedger? ledger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(spec.LogPath)!);
        File.AppendAllText(spec.LogPath, $"{Environment.NewLine}==== {DateTimeOffset.Now:O} starting {spec.FileName} ===={Environment.NewLine}");

        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Path.GetDirectoryName(spec.LogPath)!,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec >>\"$0\" 2>&1 </dev/null; exec setsid \"$@\"");
        psi.ArgumentList.Add(spec.LogPath);
        psi.ArgumentList.Add(spec.FileName);
        foreach (var arg in spec.Arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in spec.Environment)
        {
            psi.Environment[key] = value;
        }

        var process = System.Diagnostics.Process.Start(psi)
            ?? throw new InvalidOperationException($"Could not start {spec.FileName}.");
        var managed = new ManagedProcess(process, spec.Name, spec.LogPath, spec.StopSignal, spec.StopTimeout);
        ledger?.Record(managed.Pid, spec.StopSignal, spec.Marker, spec.Name);
        return managed;
    }

    /// <summary>Signals the process, waits, then kills what is left of its process group.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        StopRequested = true;
        if (!HasExited)
        {
            Signal(Pid, StopSignal);
            var finished = await Task.WhenAny(Exited, Task.Delay(StopTimeout, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default));
            if (finished != Exited)
            {
                Signal(-Pid, SigKill);
                await Exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
        }

        // Helpers a server forked into its group (postgres backends, erl_child_setup) go with it.
        Signal(-Pid, SigKill);
    }

    public void Kill() => Signal(-Pid, SigKill);

    private async Task WatchAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _exited.TrySetResult(_process.ExitCode);
        _process.Dispose();
    }

    public static bool Signal(int pid, int signal) => NativeMethods.kill(pid, signal) == 0;

    public static bool IsAlive(int pid) => NativeMethods.kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */;

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int sig);
    }
}

public sealed class ProcessSpec
{
    public required string Name { get; init; }

    public required string FileName { get; init; }

    public List<string> Arguments { get; init; } = [];

    public Dictionary<string, string> Environment { get; init; } = new(StringComparer.Ordinal);

    public required string LogPath { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>A fragment of the process's final command line; a leftover is killed only while it still shows it.</summary>
    public required string Marker { get; init; }

    public int StopSignal { get; init; } = ManagedProcess.SigTerm;

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
