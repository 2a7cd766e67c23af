using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tokenizer.Chain.Crypto;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Operator;

/// <summary>
/// A platform of the fault tests' own (its own data folder, servers and chain), because they kill and stop its
/// processes; the shared platform is never touched. Started once for the fault test class and disposed after it.
/// </summary>
public sealed class FaultPlatform : IAsyncLifetime
{
    private static readonly HttpClient RpcHttp = new() { Timeout = TimeSpan.FromSeconds(10) };
    private string _dataDirectory = "";

    public AspirePlatform Platform { get; private set; } = null!;

    public OperatorCommandsClient Operator { get; private set; } = null!;

    /// <summary>TokenAdmin's <c>Platform:DeploysEnabled</c>, read each time it starts (<see cref="RestartAsync"/>).</summary>
    public bool DeploysEnabled { get; set; } = true;

    public async Task InitializeAsync()
    {
        _dataDirectory = TestRuns.CreateDataDirectory("operator-faults");
        Platform = await AspirePlatform.StartAsync(_dataDirectory, configure: builder => builder
            .CreateResourceBuilder<ProjectResource>(ResourceNames.TokenAdmin)
            .WithEnvironment(context => context.EnvironmentVariables["Platform__DeploysEnabled"] = DeploysEnabled ? "true" : "false"));
        await Platform.WaitForHealthyAsync(ResourceNames.Gateway, TimeSpan.FromSeconds(240));
        var gateway = new HttpClient { BaseAddress = Platform.App.GetEndpoint(ResourceNames.Gateway, "http"), Timeout = TimeSpan.FromSeconds(30) };
        var rpc = new EthRpcClient(RpcHttp, new EthRpcClientOptions { Endpoint = new Uri((await Platform.App.GetConnectionStringAsync(ResourceNames.Chain))!) });
        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "secrets.json")));
        var signer = EthKey.FromHex(secrets.RootElement.GetProperty("chain-signer-key").GetString()!);
        Operator = new OperatorCommandsClient(gateway, rpc, signer, await OperatorTokenAsync(gateway));
    }

    public async Task DisposeAsync()
    {
        Operator?.Gateway.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
        TestRuns.TryDelete(_dataDirectory);
    }

    /// <summary>SIGKILLs a resource's process tree (no shutdown hooks run), waits until DCP sees it gone, then starts it again.</summary>
    public async Task KillAndRestartAsync(string resourceName, TimeSpan downFor)
    {
        var snapshot = Platform.Snapshot(resourceName);
        var pid = int.Parse(snapshot.Properties.First(p => p.Name.EndsWith(".pid", StringComparison.Ordinal) && p.Value is not null).Value!.ToString()!, CultureInfo.InvariantCulture);
        foreach (var process in ProcessTable.WithDescendants([pid]))
        {
            try
            {
                Process.GetProcessById(process).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        await Platform.WaitForAsync(resourceName, s => s.ExitCode is not null || s.State?.Text is "Exited" or "Finished", TimeSpan.FromSeconds(60));
        await Task.Delay(downFor);
        await ExecuteAsync(resourceName, KnownResourceCommands.StartCommand);
        await Platform.WaitForHealthyAsync(resourceName, TimeSpan.FromSeconds(180));
    }

    /// <summary>Stops a server gracefully, keeps it down for <paramref name="downFor"/> while <paramref name="meanwhile"/> runs, then starts it.</summary>
    public async Task OutageAsync(string resourceName, TimeSpan downFor, Func<Task> meanwhile)
    {
        await ExecuteAsync(resourceName, KnownResourceCommands.StopCommand);
        await Platform.WaitForAsync(resourceName, s => s.State?.Text is "Exited" or "Finished" or "Stopped" || s.ExitCode is not null, TimeSpan.FromSeconds(60));
        var started = Stopwatch.StartNew();
        try
        {
            await meanwhile();
            var rest = downFor - started.Elapsed;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
        finally
        {
            await ExecuteAsync(resourceName, KnownResourceCommands.StartCommand);
            await Platform.WaitForHealthyAsync(resourceName, TimeSpan.FromSeconds(180));
        }
    }

    /// <summary>Stops a resource gracefully and starts it again (it picks up its environment anew).</summary>
    public Task RestartAsync(string resourceName) => OutageAsync(resourceName, TimeSpan.Zero, () => Task.CompletedTask);

    private async Task ExecuteAsync(string resourceName, string command)
    {
        var resource = Platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var result = await Platform.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command);
        result.Success.Should().BeTrue($"{command} {resourceName}: {result.Message}");
    }

    private static async Task<string> OperatorTokenAsync(HttpClient gateway)
    {
        using var response = await gateway.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = IdentityApi.OperatorClientId,
            ["client_secret"] = IdentityApi.OperatorSecret,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        response.IsSuccessStatusCode.Should().BeTrue(body?.ToJsonString());
        return body!["access_token"]!.GetValue<string>();
    }
}
