using System.Globalization;

namespace Tokenizer.AppHost.Hosting;

/// <summary>What Aspire's generated <c>Projects.*</c> types carry: where the project is.</summary>
public interface IProjectMetadata
{
    /// <summary>The .csproj path relative to the repository root.</summary>
    static abstract string ProjectPath { get; }
}

/// <summary>
/// A .NET project of this repository, run from its build output (<c>dotnet bin/&lt;Configuration&gt;/net10.0/X.dll</c>)
/// with the project folder as working directory, as <c>dotnet run</c> would. <c>/healthz</c> 200 means Running,
/// <c>/readyz</c> 200 means Healthy.
/// </summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name), IResourceWithServiceDiscovery
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>Relative to the repository root.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>Null: any free port. 0: any free port, too. Otherwise this port or a clear failure.</summary>
    public int? FixedPort { get; set; }

    public bool IsExternal { get; set; }

    public string TargetFramework { get; set; } = "net10.0";

    public override IReadOnlyList<PortRequest> PortRequests => [new PortRequest("http", FixedPort is > 0 ? FixedPort : null)];

    public override string? DisplayEndpoint => Ports.TryGetValue("http", out var port) ? $"http://127.0.0.1:{port}" : null;

    public override bool StopWhenStartTimesOut => false;

    public string GetHttpUrl() => $"http://127.0.0.1:{Ports["http"].ToString(CultureInfo.InvariantCulture)}";

    public string GetAssemblyPath(HostingContext context)
    {
        var projectFile = Path.Combine(context.RepositoryRoot, ProjectPath);
        var projectDir = Path.GetDirectoryName(projectFile)!;
        return Path.Combine(projectDir, "bin", context.BuildConfiguration, TargetFramework, Path.GetFileNameWithoutExtension(projectFile) + ".dll");
    }

    public override Task StartAsync(HostingContext context, CancellationToken cancellationToken)
    {
        var projectFile = Path.Combine(context.RepositoryRoot, ProjectPath);
        var dll = GetAssemblyPath(context);
        if (!File.Exists(projectFile))
        {
            throw new DistributedApplicationException($"project not found: {projectFile}");
        }

        if (!File.Exists(dll))
        {
            throw new DistributedApplicationException($"not built: {dll} is missing (dotnet build Tokenizer.AppHost -c {context.BuildConfiguration})");
        }

        LogPath = context.Data.LogPath(Name);
        var spec = new ProcessSpec
        {
            Name = Name,
            FileName = Prerequisites.FindOnPath("dotnet") ?? "dotnet",
            Arguments = [dll],
            LogPath = LogPath,
            WorkingDirectory = Path.GetDirectoryName(projectFile),
            Marker = dll,
            StopTimeout = TimeSpan.FromSeconds(15),
            Environment =
            {
                ["ASPNETCORE_URLS"] = GetHttpUrl(),
                ["ASPNETCORE_ENVIRONMENT"] = context.EnvironmentName,
                ["DOTNET_ENVIRONMENT"] = context.EnvironmentName,
                ["OTEL_SERVICE_NAME"] = Name,
                // Log lines go to a file: colour codes would only clutter it.
                ["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false",
                ["Logging__Console__DisableColors"] = "true",
            },
        };
        foreach (var (key, value) in Environment)
        {
            spec.Environment[key] = value();
        }

        Process = context.StartProcess(spec);
        return Task.CompletedTask;
    }

    public override async Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken)
    {
        using (var ready = await Http.GetAsync(GetHttpUrl() + "/readyz", cancellationToken))
        {
            if (ready.IsSuccessStatusCode)
            {
                return HealthStatus.Healthy;
            }
        }

        using var live = await Http.GetAsync(GetHttpUrl() + "/healthz", cancellationToken);
        return live.IsSuccessStatusCode ? HealthStatus.Running : HealthStatus.NotReady;
    }
}

public static class ProjectBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata =>
        builder.AddResource(new ProjectResource(name, TProject.ProjectPath));
}
