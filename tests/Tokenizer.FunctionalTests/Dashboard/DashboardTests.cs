using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Dashboard;

/// <summary>
/// The Aspire dashboard as an operator uses it, in a real browser (Debian's Chromium, driven by Playwright): the
/// login URL that script/server prints, every resource running and healthy, a console log, and one sign-up as a
/// trace from the gateway through Identity and PostgreSQL to the outbox's publish to RabbitMQ. Screenshots are left
/// in TestResults/dashboard/.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DashboardTests(ITestOutputHelper output)
{
    private static readonly string[] Resources =
    [
        ResourceNames.Postgres, ResourceNames.IdentityDb, ResourceNames.TokenAdminDb, ResourceNames.LedgerDataDb, ResourceNames.MonitorDb,
        ResourceNames.Redis, ResourceNames.RabbitMq, ResourceNames.Chain,
        ResourceNames.Identity, ResourceNames.TokenAdmin, ResourceNames.LedgerData, ResourceNames.Monitor, ResourceNames.Gateway,
    ];

    private readonly string _screenshots = Path.Combine(TestRuns.RepositoryRoot(), "TestResults", "dashboard");

    [Fact]
    public async Task An_operator_logs_in_with_the_printed_url_and_sees_resources_console_logs_and_a_sign_up_trace()
    {
        Directory.CreateDirectory(_screenshots);
        var dataDir = TestRuns.CreateDataDirectory("dashboard");
        await using var apphost = AppHostProcess.Start(dataDir);
        try
        {
            await apphost.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
            var login = await apphost.DashboardLoginUrlAsync(TimeSpan.FromSeconds(30));
            login.GetLeftPart(UriPartial.Authority).Should().Be(apphost.DashboardUrl.GetLeftPart(UriPartial.Authority));

            using (var gateway = new HttpClient { BaseAddress = apphost.GatewayUrl })
            {
                using var signUp = await gateway.PostAsJsonAsync("/auth/signup", new { email = $"dashboard-{Guid.NewGuid():N}@example.com", password = "correct horse battery" });
                signUp.EnsureSuccessStatusCode();
            }

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                // No sandbox as root; the rest keeps Chromium from calling out to a network this machine does not have.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
            page.SetDefaultTimeout(30_000);
            // Expect's own default is 5 s: too short for a Blazor page's first render on a busy 2-core machine.
            Assertions.SetDefaultExpectTimeout(30_000);

            // Resources: the browser token logs in; every resource is listed, and none is still starting or unhealthy.
            await page.GotoAsync(login.ToString());
            foreach (var name in Resources)
            {
                await Assertions.Expect(page.GetByText(name, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
            }

            await WaitUntilAsync(async () =>
            {
                var text = await page.InnerTextAsync("main");
                return !Regex.IsMatch(text, @"\b(Starting|Unhealthy|Waiting|Not started|Failed to start)\b");
            }, TimeSpan.FromSeconds(60));
            var resources = await page.InnerTextAsync("main");
            Regex.Count(resources, @"\bRunning\b").Should().BeGreaterThanOrEqualTo(Resources.Length, resources);
            await ScreenshotAsync(page, "1-resources");

            // A console log, as the resource printed it.
            await page.GotoAsync(new Uri(apphost.DashboardUrl, $"/consolelogs/resource/{ResourceNames.Identity}").ToString());
            await Assertions.Expect(page.GetByText(new Regex("Now listening on|Application started")).First).ToBeVisibleAsync();
            await ScreenshotAsync(page, "2-console-identity");

            // Structured logs reach the dashboard over OTLP, from every service.
            await page.GotoAsync(new Uri(apphost.DashboardUrl, "/structuredlogs").ToString());
            await Assertions.Expect(page.GetByText(new Regex("Now listening on|Application started")).First).ToBeVisibleAsync();
            await ScreenshotAsync(page, "3-structured-logs");

            // The sign-up's trace: started at the gateway, continued in Identity.
            await page.GotoAsync(new Uri(apphost.DashboardUrl, "/traces").ToString());
            // The gateway names its span after the route it matched (/auth/{**rest}).
            var trace = page.GetByText(new Regex(@"gateway: POST /auth/")).First;
            await WaitUntilAsync(async () => await page.InnerTextAsync("main") is var text && text.Contains("gateway: POST /auth/", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            await ScreenshotAsync(page, "4-traces");
            await trace.ClickAsync();
            await WaitUntilAsync(async () =>
            {
                var text = await page.InnerTextAsync("main");
                return text.Contains(ResourceNames.Identity, StringComparison.Ordinal) && text.Contains("/auth/signup", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30));
            var detail = await page.InnerTextAsync("main");
            await ScreenshotAsync(page, "5-signup-trace");
            detail.Should().Contain(ResourceNames.Gateway).And.Contain(ResourceNames.Identity);
            detail.Should().Contain("postgresql").And.Contain(ResourceNames.IdentityDb, "the trace reaches PostgreSQL");
            detail.Should().Contain("outbox publish UserRegistered").And.Contain("rabbitmq send", "the outbox's publish continues the request's trace");
        }
        finally
        {
            apphost.Signal("INT");
            await apphost.WaitForExitAsync(TimeSpan.FromSeconds(120));
            TestRuns.TryDelete(dataDir);
        }
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(_screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not seen within {timeout.TotalSeconds:0}s.");
            }

            await Task.Delay(500);
        }
    }
}
