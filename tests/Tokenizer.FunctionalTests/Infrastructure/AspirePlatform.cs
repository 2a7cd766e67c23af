using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tokenizer.FunctionalTests.Infrastructure;

/// <summary>
/// The AppHost started through <see cref="DistributedApplicationTestingBuilder"/>: the same Program.cs and topology
/// that script/server runs, on DCP. A test that fails can say what each resource printed (<see cref="DescribeAsync"/>).
/// </summary>
public sealed class AspirePlatform : IAsyncDisposable
{
    private const int KeptLines = 60;

    private AspirePlatform(DistributedApplication app) => App = app;

    public DistributedApplication App { get; }

    public ResourceNotificationService Notifications => App.Services.GetRequiredService<ResourceNotificationService>();

    /// <summary>
    /// Builds and starts the AppHost with its data in <paramref name="dataDirectory"/>, the gateway on a free port,
    /// and the given extra arguments (<c>--Key=value</c> configuration, as on the AppHost's command line). With
    /// <paramref name="otlpEndpoint"/>, every project exports its telemetry there over OTLP/HTTP (protobuf) instead of to
    /// the dashboard, with a short batch delay so a test sees a trace within a second of making it.
    /// <paramref name="configure"/> may change the model before it is built (e.g. a service's environment).
    /// </summary>
    public static async Task<AspirePlatform> StartAsync(string dataDirectory, IEnumerable<string>? arguments = null, bool dashboard = false, Uri? otlpEndpoint = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        string[] args = ["--data-dir", dataDirectory, "--gateway-port", "0", "--environment", "Development", .. arguments ?? []];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Tokenizer_AppHost>(args, (options, _) =>
        {
            options.DisableDashboard = !dashboard;
            options.AllowUnsecuredTransport = true;
        });
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            // The AppHost polls health while resources start; a failed poll is expected then, not news.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            // Resource console output is kept by this class (ConsoleLines) rather than printed into the test log.
            .AddFilter("Tokenizer.AppHost.Resources", LogLevel.None));
        if (otlpEndpoint is not null)
        {
            // Added after the AppHost's own OTLP settings, so these win for each project.
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                builder.CreateResourceBuilder(project)
                    .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint.ToString().TrimEnd('/'))
                    .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                    .WithEnvironment("OTEL_SERVICE_NAME", project.Name)
                    .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500");
            }
        }

        configure?.Invoke(builder);
        var app = await builder.BuildAsync();
        var platform = new AspirePlatform(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }

        return platform;
    }

    public async Task WaitForHealthyAsync(string resourceName, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Notifications.WaitForResourceHealthyAsync(resourceName, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{resourceName} was not healthy within {timeout.TotalSeconds:0}s.{Environment.NewLine}{await DescribeAsync()}");
        }
    }

    /// <summary>The latest snapshot of a resource.</summary>
    public CustomResourceSnapshot Snapshot(string resourceName) =>
        Notifications.TryGetCurrentState(resourceName, out var resourceEvent)
            ? resourceEvent.Snapshot
            : throw new InvalidOperationException($"No state for {resourceName}.");

    /// <summary>Waits until a resource's snapshot satisfies <paramref name="predicate"/>.</summary>
    public async Task<CustomResourceSnapshot> WaitForAsync(string resourceName, Func<CustomResourceSnapshot, bool> predicate, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var resourceEvent = await Notifications.WaitForResourceAsync(resourceName, e => predicate(e.Snapshot), cts.Token);
            return resourceEvent.Snapshot;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{resourceName} did not reach the expected state within {timeout.TotalSeconds:0}s.{Environment.NewLine}{await DescribeAsync()}");
        }
    }

    /// <summary>The last console lines a resource printed, as the dashboard shows them.</summary>
    public async Task<IReadOnlyList<string>> ConsoleLinesAsync(string resourceName)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource).WithCancellation(cts.Token))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines.TakeLast(KeptLines).ToList();
    }

    /// <summary>Every resource's state and health, then the console tail of each one that is not healthy.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        var unhealthy = new List<string>();
        foreach (var resource in App.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            if (!Notifications.TryGetCurrentState(resource.Name, out var current))
            {
                continue;
            }

            var s = current.Snapshot;
            text.AppendLine(CultureInfo.InvariantCulture, $"  {resource.Name,-22} {s.State?.Text,-14} health={s.HealthStatus?.ToString() ?? "-"} exit={s.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
            if (s.HealthStatus is not Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && resource is not ParameterResource)
            {
                unhealthy.Add(resource.Name);
            }
        }

        foreach (var name in unhealthy)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"---- {name}: last console lines");
            foreach (var line in await ConsoleLinesAsync(name))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
    }
}
