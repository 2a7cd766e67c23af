using System.Globalization;
using System.Text;

namespace Tokenizer.FunctionalTests.Infrastructure;

/// <summary>Temporary data folders for test platforms, and the diagnostics a failed start should show.</summary>
public static class TestRuns
{
    /// <summary>Under /tmp: the postgres user must be able to reach it, which a home folder may not allow.</summary>
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "tokenizer-tests");

    /// <summary>A new empty folder; folders of earlier runs whose test host died are cleaned first.</summary>
    public static string CreateDataDirectory(string purpose)
    {
        Directory.CreateDirectory(Root);
        foreach (var stale in Directory.EnumerateDirectories(Root))
        {
            if (ProcessLedger.CleanUpAfterDeadRun(stale, TextWriter.Null) && IsOlderThanAMinute(stale))
            {
                TryDelete(stale);
            }
        }

        var dir = Path.Combine(Root, $"{purpose}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run's clean-up.
        }
    }

    /// <summary>The state of every resource, and the last lines of the log of each one that is not healthy.</summary>
    public static string DescribeFailure(DistributedApplication app, int tailLines = 40)
    {
        var text = new StringBuilder();
        foreach (var s in app.Snapshots)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {s.Name,-14} {s.StateText,-14} {s.Endpoint} {s.Reason}");
        }

        foreach (var s in app.Snapshots.Where(s => s.State != ResourceState.Healthy && s.LogPath is not null && File.Exists(s.LogPath)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"---- {s.Name}: last {tailLines} lines of {s.LogPath}");
            foreach (var line in File.ReadLines(s.LogPath!).TakeLast(tailLines))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    private static bool IsOlderThanAMinute(string dir) => Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-1);
}
