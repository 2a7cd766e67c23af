using System.Diagnostics;
using System.Globalization;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// Resource, state, endpoint, pid: redrawn in place on a terminal, otherwise one line per state change.
/// Every change is also appended to &lt;data&gt;/logs/apphost.log.
/// </summary>
internal sealed class ConsoleTable(IReadOnlyList<Resource> resources, TextWriter? output)
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _live = output is null && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
    private int _drawnLines;
    private Timer? _timer;
    private bool _dirty;
    private StreamWriter? _file;

    public TextWriter Writer => output ?? Console.Out;

    public void Start(string dataDirectory)
    {
        _file = new StreamWriter(Path.Combine(dataDirectory, "logs", "apphost.log"), append: true) { AutoFlush = true };
        _file.WriteLine($"==== {DateTimeOffset.Now:O} AppHost pid {Environment.ProcessId}, data {dataDirectory}");
        Writer.WriteLine($"Tokenizer AppHost: data {dataDirectory}, logs {Path.Combine(dataDirectory, "logs")}");
        if (_live)
        {
            _timer = new Timer(_ => Redraw(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
        }
    }

    private readonly Dictionary<string, ResourceState> _printed = new(StringComparer.Ordinal);

    public void OnStateChanged(ResourceSnapshot snapshot)
    {
        lock (_gate)
        {
            // Only a new state makes a line; "waiting for x, y" narrowing to "waiting for y" is not news.
            if (_printed.TryGetValue(snapshot.Name, out var last) && last == snapshot.State && snapshot.State == ResourceState.Waiting)
            {
                return;
            }

            _printed[snapshot.Name] = snapshot.State;
        }

        var line = string.Create(CultureInfo.InvariantCulture,
            $"[{_clock.Elapsed.TotalSeconds,6:0.0}s] {snapshot.Name,-14} {snapshot.StateText,-14} {snapshot.Endpoint ?? "-",-28} pid {snapshot.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",-7} {snapshot.Reason}");
        lock (_gate)
        {
            _file?.WriteLine(line.TrimEnd());
            if (_live)
            {
                _dirty = true;
            }
            else
            {
                Writer.WriteLine(line.TrimEnd());
            }
        }
    }

    /// <summary>A line outside the table; on a terminal the table is drawn again below it.</summary>
    public void Message(string text)
    {
        lock (_gate)
        {
            _file?.WriteLine(text);
            Writer.WriteLine(text);
            _drawnLines = 0;
            _dirty = true;
        }
    }

    public void Stop()
    {
        _timer?.Dispose();
        Redraw();
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (!_live || (!_dirty && _drawnLines > 0))
            {
                return;
            }

            _dirty = false;
            var width = Math.Max(60, SafeWindowWidth() - 1);
            var lines = new List<string> { $"{"RESOURCE",-14} {"STATE",-14} {"ENDPOINT",-28} {"PID",-7} DETAIL" };
            lines.AddRange(resources.Select(r => r.Snapshot).Select(s =>
                $"{s.Name,-14} {Colour(s.State)}{s.StateText,-14}\u001b[0m {s.Endpoint ?? "-",-28} {s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",-7} {s.Reason}"));
            var text = new System.Text.StringBuilder();
            if (_drawnLines > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\u001b[{_drawnLines}A");
            }

            foreach (var line in lines)
            {
                text.Append("\u001b[2K").Append(line.Length > width + 9 ? line[..(width + 9)] : line).Append('\n');
            }

            Console.Out.Write(text.ToString());
            Console.Out.Flush();
            _drawnLines = lines.Count;
        }
    }

    private static int SafeWindowWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    private static string Colour(ResourceState state) => state switch
    {
        ResourceState.Healthy => "\u001b[32m",
        ResourceState.Running or ResourceState.Starting or ResourceState.Waiting => "\u001b[33m",
        ResourceState.Unhealthy or ResourceState.Exited or ResourceState.FailedToStart => "\u001b[31m",
        _ => "",
    };
}
