using System.Net;
using System.Text.Json;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Tokens;

[Collection(PlatformCollection.Name)]
public sealed class QuotaPlanTests(PlatformFixture platform)
{
    private readonly SelfServiceClient _api = new(platform);

    [Fact]
    public async Task A_plan_change_applies_to_the_quota_at_once_even_for_a_token_issued_before_it()
    {
        var user = await _api.Identity.SignUpAsync();
        (await _api.OkAsync(HttpMethod.Get, "/stats", user.Token))["limit"]!.GetValue<int>().Should().Be(10);

        var operatorToken = await _api.Identity.OperatorTokenAsync();
        using (var change = await _api.Identity.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", operatorToken, new { plan = "PRO" }))
        {
            change.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // The old token still claims BASIC; TokenAdmin's copy of the plan comes from Identity's PlanChanged event.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var limit = 0;
        while (DateTime.UtcNow < deadline)
        {
            var stats = await _api.OkAsync(HttpMethod.Get, "/stats", user.Token);
            limit = stats["limit"]!.GetValue<int>();
            if (limit == 100)
            {
                stats["plan"]!.GetValue<string>().Should().Be("PRO");
                stats["remaining"]!.GetValue<int>().Should().Be(100);
                break;
            }
            await Task.Delay(200);
        }
        limit.Should().Be(100);
    }

    [Fact]
    public async Task TokenAdmin_reports_its_own_instruments_after_a_mint()
    {
        var user = await _api.ProPlusUserAsync();
        var address = await _api.DeployErc20Async(user.Token);
        await _api.OkAsync(HttpMethod.Post, $"/tokens/{address}/mint", user.Token, new { owner = PlatformChainAccess.RandomAddress().ToString(), amount = "1" });

        using var direct = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.TokenAdmin) };
        using var response = await direct.GetAsync("/metrics");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var metrics = body.RootElement.GetProperty("metrics");
        foreach (var name in new[] { "tokenizer.tokenadmin.deploys", "tokenizer.tokenadmin.mints", "tokenizer.tokenadmin.send_latency", "tokenizer.tokenadmin.write_stage_duration" })
        {
            metrics.TryGetProperty(name, out _).Should().BeTrue($"{name} is one of TokenAdmin's instruments: {metrics}");
        }
    }
}
