using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests;

[Collection(PlatformCollection.Name)]
public sealed class PlatformLifecycleTests(PlatformFixture platform)
{
    [Fact]
    public async Task Every_service_is_ready_through_the_gateway()
    {
        using var response = await platform.Gateway.GetAsync("/readyz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Healthy");
        var services = body.RootElement.GetProperty("services");
        foreach (var name in new[] { ResourceNames.Identity, ResourceNames.TokenAdmin, ResourceNames.LedgerData, ResourceNames.Monitor })
        {
            services.TryGetProperty(name, out var service).Should().BeTrue($"/readyz should list {name}");
            service.GetProperty("status").GetString().Should().Be("Healthy", $"{name} should be healthy");
        }
    }

    [Fact]
    public async Task Every_resource_of_the_topology_runs_healthy_and_the_cluster_init_finished()
    {
        var model = platform.App.Services.GetRequiredService<DistributedApplicationModel>();
        var expected = new[]
        {
            ResourceNames.Postgres, ResourceNames.IdentityDb, ResourceNames.TokenAdminDb, ResourceNames.LedgerDataDb, ResourceNames.MonitorDb,
            ResourceNames.Redis, ResourceNames.RabbitMq, ResourceNames.Chain,
            ResourceNames.Identity, ResourceNames.TokenAdmin, ResourceNames.LedgerData, ResourceNames.Monitor, ResourceNames.Gateway,
        };
        model.Resources.Select(r => r.Name).Should().Contain(expected);

        var states = await platform.Platform.DescribeAsync();
        foreach (var name in expected)
        {
            var snapshot = platform.Platform.Snapshot(name);
            snapshot.State?.Text.Should().Be(KnownResourceStates.Running, $"{name} should run{Environment.NewLine}{states}");
            snapshot.HealthStatus.Should().Be(HealthStatus.Healthy, $"{name} should be healthy{Environment.NewLine}{states}");
        }

        var init = platform.Platform.Snapshot(ResourceNames.Postgres + "-init");
        init.State?.Text.Should().Be(KnownResourceStates.Finished);
        init.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Generated_credentials_are_kept_private_in_the_data_folder_and_reach_the_services()
    {
        var secrets = Path.Combine(platform.DataDirectory, "secrets.json");

        File.GetUnixFileMode(secrets).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "only the AppHost's user may read the credentials");
        using var stored = JsonDocument.Parse(await File.ReadAllTextAsync(secrets));
        var postgresPassword = stored.RootElement.GetProperty("postgres-password").GetString()!;
        postgresPassword.Should().HaveLength(32);
        platform.IdentityDbConnectionString.Should().Contain($"Password={postgresPassword}");
        platform.RedisConnectionString.Should().Contain("password=" + stored.RootElement.GetProperty("redis-password").GetString());
        File.GetUnixFileMode(Path.Combine(platform.DataDirectory, ResourceNames.Redis, "redis.conf"))
            .Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "redis.conf holds the password");
    }
}
