using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Tokens;

/// <summary>
/// The chain node stops while the platform runs, then comes back. Destructive, so on a platform of its own (its own
/// data folder, servers and chain), never the shared one.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ChainOutageTests
{
    [Fact]
    public async Task A_stopped_chain_is_a_chain_error_that_takes_no_quota_and_writes_work_again_when_it_is_back()
    {
        var dataDir = TestRuns.CreateDataDirectory("selfservice-chain");
        try
        {
            await using var own = await AspirePlatform.StartAsync(dataDir);
            await own.WaitForHealthyAsync(ResourceNames.Gateway, TimeSpan.FromSeconds(240));
            await own.WaitForHealthyAsync(ResourceNames.TokenAdmin, TimeSpan.FromSeconds(120));
            using var gateway = new HttpClient { BaseAddress = own.App.GetEndpoint(ResourceNames.Gateway, "http"), Timeout = TimeSpan.FromSeconds(90) };

            using var signUp = await gateway.PostAsJsonAsync("/auth/signup", new { email = IdentityApi.NewEmail("outage"), password = "correct horse battery" });
            var bearer = (await signUp.ShouldBeOkJsonAsync())["token"]!.GetValue<string>();
            gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var deploy = await gateway.PostAsJsonAsync("/tokens", new { type = "ERC20", name = "Outage", symbol = "OUT", decimals = 0, isPermissionless = true });
            var address = (await deploy.ShouldBeOkJsonAsync())["data"]!["address"]!.GetValue<string>();
            var mint = new { owner = PlatformChainAccess.RandomAddress().ToString(), amount = "3" };

            var commands = own.App.Services.GetRequiredService<ResourceCommandService>();
            (await commands.ExecuteCommandAsync(ResourceNames.Chain, KnownResourceCommands.StopCommand)).Success.Should().BeTrue();
            await own.WaitForAsync(ResourceNames.Chain, s => s.State?.Text is "Exited" or "Finished", TimeSpan.FromSeconds(60));

            using (var down = await gateway.PostAsJsonAsync($"/tokens/{address}/mint", mint))
            {
                await down.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "CHAIN_ERROR");
            }
            using (var uri = await gateway.GetAsync($"/tokenURI/{address}"))
            {
                await uri.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "CHAIN_ERROR");
            }
            using (var stats = await gateway.GetAsync("/stats"))
            {
                (await stats.ShouldBeOkJsonAsync())["used"]!.GetValue<int>().Should().Be(1, "only the deploy took a unit");
            }

            (await commands.ExecuteCommandAsync(ResourceNames.Chain, KnownResourceCommands.StartCommand)).Success.Should().BeTrue();
            await own.WaitForHealthyAsync(ResourceNames.Chain, TimeSpan.FromSeconds(60));

            // The node is back with its state (anvil keeps it in the data folder): the same request now succeeds.
            JsonNode? minted = null;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (minted is null && DateTime.UtcNow < deadline)
            {
                using var retry = await gateway.PostAsJsonAsync($"/tokens/{address}/mint", mint);
                if (retry.StatusCode == HttpStatusCode.OK)
                {
                    minted = await retry.ShouldBeOkJsonAsync();
                }
                else
                {
                    await retry.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "CHAIN_ERROR");
                    await Task.Delay(1000);
                }
            }
            minted.Should().NotBeNull("writes work again once the chain is back");
            using var after = await gateway.GetAsync("/stats");
            (await after.ShouldBeOkJsonAsync())["used"]!.GetValue<int>().Should().Be(2);
        }
        finally
        {
            TestRuns.TryDelete(dataDir);
        }
    }
}
