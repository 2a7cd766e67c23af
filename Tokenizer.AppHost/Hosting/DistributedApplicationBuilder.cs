using System.Reflection;

namespace Tokenizer.AppHost.Hosting;

public interface IDistributedApplicationBuilder
{
    ConfigurationManager Configuration { get; }

    string EnvironmentName { get; }

    /// <summary>The folder holding Tokenizer.sln; project paths are relative to it.</summary>
    string RepositoryRoot { get; }

    IReadOnlyList<Resource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : Resource;

    DistributedApplication Build();
}

public sealed class DistributedApplicationOptions
{
    public string[] Args { get; init; } = [];

    /// <summary>Overrides <c>AppHost:DataDir</c>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Extra configuration, applied last (tests use it instead of environment variables).</summary>
    public IDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where the resource table goes; null means the console.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Only read from configuration files and the command line, not from environment variables (isolated tests).</summary>
    public bool IgnoreEnvironmentVariables { get; init; }
}

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "AppHost:DataDir",
        ["--gateway-port"] = "Gateway:Port",
        ["--environment"] = "DOTNET_ENVIRONMENT",
    };

    private readonly List<Resource> _resources = [];
    private readonly DistributedApplicationOptions _options;

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        _options = options;
        RepositoryRoot = DataFolder.FindRepositoryRoot() ?? Directory.GetCurrentDirectory();
        Configuration = new ConfigurationManager();
        Configuration.SetBasePath(AppContext.BaseDirectory);
        Configuration.AddJsonFile("appsettings.json", optional: true);
        if (!options.IgnoreEnvironmentVariables)
        {
            Configuration.AddEnvironmentVariables();
        }

        Configuration.AddCommandLine(options.Args, SwitchMappings);
        Configuration.AddInMemoryCollection(options.Configuration);
        EnvironmentName = Configuration["DOTNET_ENVIRONMENT"] ?? Configuration["ASPNETCORE_ENVIRONMENT"] ?? "Development";
        Configuration.AddJsonFile($"appsettings.{EnvironmentName}.json", optional: true);
        // Arguments and explicit options win over the environment-specific file.
        Configuration.AddCommandLine(options.Args, SwitchMappings);
        Configuration.AddInMemoryCollection(options.Configuration);
    }

    public ConfigurationManager Configuration { get; }

    public string EnvironmentName { get; }

    public string RepositoryRoot { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        var dataDir = _options.DataDirectory ?? Configuration["AppHost:DataDir"];
        dataDir = string.IsNullOrEmpty(dataDir) ? Path.Combine(RepositoryRoot, ".tokenizer") : Path.GetFullPath(dataDir);
        var buildConfiguration = typeof(DistributedApplicationBuilder).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return new DistributedApplication(_resources.ToList(), dataDir, RepositoryRoot, EnvironmentName, buildConfiguration, Configuration, _options.Output);
    }
}
