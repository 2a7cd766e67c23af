using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tokenizer.AppHost.Hosting;

/// <summary>
/// A local anvil chain (id 31337) whose state lives in &lt;data&gt;/anvil/state.json, loaded at start and dumped
/// periodically and at exit, so a restart keeps the chain consistent with the databases. Or an existing RPC
/// endpoint from <c>ConnectionStrings:{name}</c>.
/// </summary>
public sealed class AnvilResource(string name, string anvilPath, string? existingConnectionString)
    : Resource(name), IResourceWithConnectionString
{
    public const long ChainId = 31337;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public string AnvilPath { get; } = anvilPath;

    public bool IsExternal => existingConnectionString is not null;

    public List<string> ExtraArguments { get; } = [];

    public override IReadOnlyList<PortRequest> PortRequests => IsExternal ? [] : [new PortRequest("http")];

    public override string? DisplayEndpoint => IsExternal
        ? "existing " + existingConnectionString
        : Ports.TryGetValue("http", out var port) ? $"http://127.0.0.1:{port}" : null;

    public string GetConnectionString() => existingConnectionString ?? $"http://127.0.0.1:{Ports["http"]}";

    public override IEnumerable<Prerequisite> GetPrerequisites() => IsExternal
        ? []
        : [new Prerequisite("anvil (chain)", AnvilPath, "npm ci   (at the repository root)")];

    public override Task StartAsync(HostingContext context, CancellationToken cancellationToken)
    {
        if (IsExternal)
        {
            return Task.CompletedTask;
        }

        var dir = context.Data.ResourceDirectory("anvil");
        Directory.CreateDirectory(dir);
        var state = Path.Combine(dir, "state.json");
        LogPath = context.Data.LogPath(Name);
        Process = context.StartProcess(new ProcessSpec
        {
            Name = Name,
            FileName = AnvilPath,
            Arguments =
            [
                "--host", "127.0.0.1", "--port", Ports["http"].ToString(CultureInfo.InvariantCulture),
                "--chain-id", ChainId.ToString(CultureInfo.InvariantCulture),
                "--state", state, "--state-interval", "5",
                .. ExtraArguments,
            ],
            LogPath = LogPath,
            WorkingDirectory = dir,
            Marker = state,
        });
        return Task.CompletedTask;
    }

    public override async Task<HealthStatus> CheckHealthAsync(CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync(GetConnectionString(), new { jsonrpc = "2.0", id = 1, method = "eth_chainId", @params = Array.Empty<object>() }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return HealthStatus.NotReady;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var result = body.RootElement.TryGetProperty("result", out var r) ? r.GetString() : null;
        return result is not null && Convert.ToInt64(result, 16) == ChainId ? HealthStatus.Healthy : HealthStatus.NotReady;
    }
}

public static class AnvilBuilderExtensions
{
    public static IResourceBuilder<AnvilResource> AddAnvil(this IDistributedApplicationBuilder builder, string name)
    {
        var path = builder.Configuration["Anvil:Path"];
        if (string.IsNullOrEmpty(path))
        {
            var bundled = Path.Combine(builder.RepositoryRoot, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
            path = File.Exists(bundled) ? bundled : Prerequisites.FindOnPath("anvil") ?? bundled;
        }

        return builder.AddResource(new AnvilResource(name, path, builder.Configuration.GetConnectionString(name)));
    }

    public static IResourceBuilder<AnvilResource> WithArgs(this IResourceBuilder<AnvilResource> builder, params string[] arguments)
    {
        builder.Resource.ExtraArguments.AddRange(arguments);
        return builder;
    }
}
