using System.Diagnostics;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

/// <summary>Outside Development, Identity refuses to start with the Development operator secret in play.</summary>
[Collection(PlatformCollection.Name)]
public sealed class StartupSafetyTests(PlatformFixture platform)
{
    [Fact]
    public async Task Identity_refuses_to_start_outside_development_while_the_dev_operator_secret_still_works()
    {
        // The platform's identitydb was seeded in Development, so the stored client still has the default secret.
        var (exitCode, output) = await RunIdentityAsync("Production");
        exitCode.Should().NotBe(0, output);
        output.Should().Contain("still has the Development secret");
    }

    [Fact]
    public async Task Identity_refuses_to_start_outside_development_with_the_dev_secret_configured()
    {
        var (exitCode, output) = await RunIdentityAsync("Staging",
            ("Identity__OperatorClients__0__ClientId", "some-operator"),
            ("Identity__OperatorClients__0__Secret", "dev-operator-secret"));
        exitCode.Should().NotBe(0, output);
        output.Should().Contain("Development operator secret is configured");
    }

    private async Task<(int ExitCode, string Output)> RunIdentityAsync(string environment, params (string Name, string Value)[] settings)
    {
        var root = TestRuns.RepositoryRoot();
        var dll = new[] { "Debug", "Release" }
            .Select(c => Path.Combine(root, "services", "Identity", "bin", c, "net10.0", "Tokenizer.Identity.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .First();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        start.Environment["urls"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__identitydb"] = platform.IdentityDbConnectionString;
        start.Environment["ConnectionStrings__redis"] = platform.RedisConnectionString;
        start.Environment["ConnectionStrings__rabbitmq"] = platform.RabbitMqConnectionString;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Identity kept running: " + await stdout);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
