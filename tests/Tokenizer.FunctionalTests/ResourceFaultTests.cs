using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests;

/// <summary>
/// What a developer sees when a server dies under a running platform: the AppHost names it with its exit code and
/// log, keeps everything else running, and the services that depend on it stop reporting ready.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ResourceFaultTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_resource_that_dies_shows_its_exit_code_and_log_and_its_dependants_report_not_ready()
    {
        var dataDir = TestRuns.CreateDataDirectory("faults");
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DataDirectory = dataDir,
            IgnoreEnvironmentVariables = true,
            Output = TextWriter.Null,
        });
        builder.AddRedis(ResourceNames.Redis);
        builder.AddAnvil(ResourceNames.Chain);
        var app = builder.Build();
        try
        {
            await app.StartAsync();
            await app.WaitForResourceHealthyAsync(ResourceNames.Redis, TimeSpan.FromSeconds(60));
            await app.WaitForResourceHealthyAsync(ResourceNames.Chain, TimeSpan.FromSeconds(60));

            // A service host wired exactly as the services are (ServiceDefaults' readiness of Redis and the chain).
            await using var service = await StartServiceHostAsync(app);
            using var http = new HttpClient { BaseAddress = service.Urls.Select(u => new Uri(u)).First() };
            var ready = await ReadinessAsync(http);
            ready.Status.Should().Be(200);
            ready.Checks.Should().Contain(new KeyValuePair<string, string>("chain", "Healthy")).And.Contain(new KeyValuePair<string, string>("redis", "Healthy"));

            var anvil = app.GetResource(ResourceNames.Chain).Snapshot;
            Process.GetProcessById(anvil.Pid!.Value).Kill();

            var died = await WaitForAsync(() => app.GetResource(ResourceNames.Chain).Snapshot, s => s.State == ResourceState.Exited);
            died.ExitCode.Should().NotBeNull();
            died.StateText.Should().Be($"Exited({died.ExitCode})");
            died.Reason.Should().Contain(died.LogPath!);
            File.Exists(died.LogPath).Should().BeTrue("the dead resource's output is kept for the developer");
            app.GetResource(ResourceNames.Redis).Snapshot.State.Should().Be(ResourceState.Healthy, "the rest of the platform keeps running");

            var notReady = await ReadinessAsync(http);
            notReady.Status.Should().Be(503);
            notReady.Checks.Should().Contain(new KeyValuePair<string, string>("chain", "Unhealthy")).And.Contain(new KeyValuePair<string, string>("redis", "Healthy"));
        }
        finally
        {
            await app.StopAsync();
            TestRuns.TryDelete(dataDir);
        }

        // A second topology came and went in this process (as tests do): the platform that was already running is untouched.
        platform.ResourceStates.Should().OnlyContain(s => s.State == ResourceState.Healthy, TestRuns.DescribeFailure(platform.App));
    }

    private static async Task<WebApplication> StartServiceHostAsync(DistributedApplication app)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ApplicationName = "fault-probe" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:redis"] = app.GetConnectionString(ResourceNames.Redis);
        builder.Configuration["ConnectionStrings:chain"] = app.GetConnectionString(ResourceNames.Chain);
        builder.AddServiceDefaults();
        builder.AddRedisClient();
        builder.AddChainReadiness();
        var web = builder.Build();
        web.MapDefaultEndpoints();
        await web.StartAsync();
        return web;
    }

    private static async Task<(int Status, Dictionary<string, string> Checks)> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks").EnumerateObject()
            .ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString()!);
        return ((int)response.StatusCode, checks);
    }

    private static async Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }
            DateTime.UtcNow.Should().BeBefore(deadline, $"the resource should have been seen as exited, last: {value}");
            await Task.Delay(100);
        }
    }
}
