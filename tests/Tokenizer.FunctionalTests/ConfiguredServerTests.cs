using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Tokenizer.AppHost.Hosting;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests;

/// <summary>
/// A second AppHost, told where the first one's PostgreSQL, Redis and RabbitMQ are, as a developer with servers of
/// their own would: it starts only anvil and the projects. Its anvil is then killed, as a crash would.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConfiguredServerTests(PlatformFixture platform)
{
    [Fact]
    public async Task Configured_servers_are_used_and_a_server_that_dies_shows_its_exit_while_its_dependants_go_not_ready()
    {
        var dataDir = TestRuns.CreateDataDirectory("configured");
        var postgres = new NpgsqlConnectionStringBuilder(platform.IdentityDbConnectionString) { Database = null }.ConnectionString;
        await using var second = await AspirePlatform.StartAsync(dataDir,
        [
            $"--ConnectionStrings:postgres={postgres}",
            $"--ConnectionStrings:redis={platform.RedisConnectionString}",
            $"--ConnectionStrings:rabbitmq={platform.RabbitMqConnectionString}",
        ]);
        try
        {
            await second.WaitForHealthyAsync(ResourceNames.Gateway, TimeSpan.FromSeconds(180));

            // Nothing but the chain runs as a server of this AppHost: the others are the configured ones.
            var model = second.App.Services.GetRequiredService<DistributedApplicationModel>();
            model.Resources.Should().NotContain(r => r is PostgresServerResource || r is RedisResource || r is RabbitMQServerResource);
            model.Resources.Should().ContainSingle(r => r is AnvilResource);
            (await second.App.GetConnectionStringAsync(ResourceNames.Redis)).Should().Be(platform.RedisConnectionString);
            (await second.App.GetConnectionStringAsync(ResourceNames.IdentityDb)).Should().Contain("Database=identitydb");
            Directory.Exists(Path.Combine(dataDir, ResourceNames.Postgres)).Should().BeFalse("no cluster of its own is made");
            // A user who signs up through the second platform is in the first one's database.
            using (var gateway = new HttpClient { BaseAddress = second.App.GetEndpoint(ResourceNames.Gateway, "http") })
            {
                var email = $"configured-{Guid.NewGuid():N}@example.com";
                using var signUp = await gateway.PostAsync("/auth/signup", JsonContent(new { email, password = "correct horse battery" }));
                signUp.StatusCode.Should().Be(HttpStatusCode.OK, await signUp.Content.ReadAsStringAsync());
                await using var connection = new NpgsqlConnection(platform.IdentityDbConnectionString);
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand("select count(*) from users where email = @email", connection);
                count.Parameters.AddWithValue("email", email);
                ((long)(await count.ExecuteScalarAsync())!).Should().Be(1);
            }

            var chain = second.Snapshot(ResourceNames.Chain);
            var pid = int.Parse(chain.Properties.Single(p => p.Name == "executable.pid").Value!.ToString()!, CultureInfo.InvariantCulture);
            Process.GetProcessById(pid).Kill();

            // DCP reports a process that ended as Exited or Finished, with its exit code (-1 for a signal).
            var died = await second.WaitForAsync(ResourceNames.Chain, s => s.ExitCode is not null, TimeSpan.FromSeconds(30));
            died.State?.Text.Should().BeOneOf(KnownResourceStates.Exited, KnownResourceStates.Finished);
            died.ExitCode.Should().NotBe(0);
            (await second.ConsoleLinesAsync(ResourceNames.Chain)).Should().Contain(l => l.Contains("Block Number", StringComparison.Ordinal), "its console log stays readable after it died");
            await second.WaitForAsync(ResourceNames.TokenAdmin, s => s.HealthStatus == HealthStatus.Unhealthy, TimeSpan.FromSeconds(60));
            second.Snapshot(ResourceNames.Identity).HealthStatus.Should().Be(HealthStatus.Healthy, "a service that does not use the chain keeps running ready");

            using var direct = new HttpClient { BaseAddress = second.App.GetEndpoint(ResourceNames.TokenAdmin, "http") };
            using var ready = await direct.GetAsync("/readyz");
            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            body.RootElement.GetProperty("checks").GetProperty("chain").GetProperty("status").GetString().Should().Be("Unhealthy");
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }

        // The first platform is untouched by the second one's coming and going.
        using var first = await platform.Gateway.GetAsync("/readyz");
        first.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static StringContent JsonContent(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");
}
