using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Tokenizer.FunctionalTests.Infrastructure;

/// <summary>
/// The AppHost as a developer runs it: the built executable, its console output, the dashboard on free loopback
/// ports (so a developer's own run on the usual ones is left alone), and signals as a terminal sends them.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(Process process, int gatewayPort, int dashboardPort)
    {
        _process = process;
        GatewayUrl = new Uri($"http://127.0.0.1:{gatewayPort.ToString(CultureInfo.InvariantCulture)}");
        DashboardUrl = new Uri($"http://127.0.0.1:{dashboardPort.ToString(CultureInfo.InvariantCulture)}");
    }

    public int Id => _process.Id;

    public Uri GatewayUrl { get; }

    public Uri DashboardUrl { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the AppHost with its data in <paramref name="dataDirectory"/> and extra arguments.</summary>
    public static AppHostProcess Start(string? dataDirectory, params string[] arguments)
    {
        var gatewayPort = FreePort();
        var dashboardPort = FreePort();
        // A terminal's foreground process gets Ctrl+C with SIGINT at its default. A test run started as a background
        // job of a non-interactive shell (as CI may start it) has SIGINT ignored, every child inherits that, and .NET
        // leaves an ignored SIGINT ignored: the AppHost would never hear the test's Ctrl+C. env(1) puts it back.
        var start = new ProcessStartInfo("/usr/bin/env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Dll());
        if (dataDirectory is not null)
        {
            start.ArgumentList.Add("--data-dir");
            start.ArgumentList.Add(dataDirectory);
        }

        start.ArgumentList.Add("--gateway-port");
        start.ArgumentList.Add(gatewayPort.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // What the AppHost's launch profile sets, on ports of this test's own.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{dashboardPort.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["NO_COLOR"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new AppHostProcess(process, gatewayPort, dashboardPort);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Exited += (_, _) => host._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until the gateway answers /readyz 200 (every service ready behind it).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException((HasExited ? $"The AppHost exited with {ExitCode}." : $"The platform was not ready within {timeout.TotalSeconds:0}s.") + Environment.NewLine + Output);
    }

    /// <summary>The dashboard's login URL with its browser token, from the line the AppHost prints when the platform is up.</summary>
    public async Task<Uri> DashboardLoginUrlAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (BannerPattern().Match(Output) is { Success: true } match)
            {
                return new Uri(match.Groups["login"].Value);
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The AppHost printed no dashboard login URL:" + Environment.NewLine + Output);
    }

    /// <summary>Sends a signal by name (INT is what a terminal's Ctrl+C sends), as kill(1) does.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("/bin/kill", ["-s", signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {_process.Id} failed with {kill.ExitCode}");
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            // Which of the platform's processes is still there, and what the AppHost said last: the only way to
            // tell a stuck resource from a stuck AppHost after the fact.
            throw new TimeoutException($"The AppHost did not exit within {timeout.TotalSeconds:0}s. Still running:" + Environment.NewLine
                + string.Join(Environment.NewLine, PlatformProcesses().Select(p => $"  {p}: {ProcessTable.CommandLine(p)}")) + Environment.NewLine
                + "Its last output:" + Environment.NewLine + Tail(Output, 120), e);
        }

        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>The AppHost, DCP (which detaches, and names the AppHost's pid on its command line) and all they started.</summary>
    public List<int> PlatformProcesses()
    {
        var dcp = ProcessTable.All().Where(p => ProcessTable.CommandLine(p).Contains($"--monitor {Id.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal));
        return [.. ProcessTable.WithDescendants([Id, .. dcp]).Where(ProcessTable.IsAlive).Order()];
    }

    private static string Tail(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split(Environment.NewLine).TakeLast(lines));

    /// <summary>Runs the AppHost to its end (for options that do not start the platform).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, string? dataDirectory, params string[] arguments)
    {
        await using var host = Start(dataDirectory, arguments);
        var exitCode = await host.WaitForExitAsync(timeout);
        return (exitCode, host.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Dll()
    {
        var configuration = typeof(AppHostProcess).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;
        return Path.Combine(TestRuns.RepositoryRoot(), "Tokenizer.AppHost", "bin", configuration, "net10.0", "Tokenizer.AppHost.dll");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Dashboard: (?<login>http://\S+/login\?t=[0-9a-f]+)")]
    private static partial Regex BannerPattern();
}
