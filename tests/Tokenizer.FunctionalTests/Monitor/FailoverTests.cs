using System.Diagnostics;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Tokenizer.FunctionalTests.Infrastructure;
using static Tokenizer.FunctionalTests.Monitor.FeedAssertions;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>Kills monitors and the chain: only on a platform of the test's own.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Mints = 40;

    [Fact]
    public async Task A_standby_finishes_the_backfill_of_a_killed_leader_with_every_event_once_and_status_outlives_the_chain()
    {
        await using var own = await OwnMonitorPlatform.StartAsync("monitor-failover");
        var token = await own.Chain.DeployErc20Async();
        var seed = await own.Chain.MintAsync(token, PlatformChainAccess.RandomAddress(), 1);
        await WaitForFeedAsync(own, f => Carries(f, seed.Hash.ToString()), TimeSpan.FromSeconds(60), "the first mint");

        // The AppHost's monitor stops (as a crash would); history piles up behind it, spread over many blocks.
        await own.KillAppHostMonitorAsync();
        var hashes = new List<string> { seed.Hash.ToString() };
        for (var i = 0; i < Mints; i++)
        {
            hashes.Add((await own.Chain.MintAsync(token, PlatformChainAccess.RandomAddress(), i + 2)).Hash.ToString());
            await own.RpcAsync("anvil_mine", JsonValue.Create("0x32"));
        }

        // Two more monitors with the AppHost's environment, reading one block per range so that the backfill takes a while.
        var slow = new Dictionary<string, string> { ["Monitor__MaxBlocksPerBatch"] = "1" };
        var (leader, _) = await own.StartExtraMonitorAsync(slow);
        var (_, standbyUrl) = await own.StartExtraMonitorAsync(slow);

        var before = await WaitForFeedAsync(own, f => Added(f).Count() >= 6, TimeSpan.FromSeconds(120), "the backfill under way");
        leader.Kill();
        var killedAt = DateTimeOffset.UtcNow;
        await leader.WaitForExitAsync();
        Added(before).Count().Should().BeLessThan(hashes.Count, "the leader died mid-backfill");

        var feed = await WaitForFeedAsync(own, f => hashes.All(h => Carries(f, h)), TimeSpan.FromSeconds(180), "every mint after the failover");
        var firstAfter = feed.Select(b => b["publishedAt"]!.GetValue<DateTimeOffset>()).Where(t => t > killedAt).DefaultIfEmpty(killedAt).Min();
        output.WriteLine($"standby's first batch {(firstAfter - killedAt).TotalSeconds:0.00} s after the leader was killed");

        ShouldBeNumberedWithoutGaps(feed);
        Removed(feed).Should().BeEmpty();
        Added(feed).Select(a => a["transactionHash"]!.GetValue<string>()).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(hashes);
        OwnMonitorPlatform.Fold(feed).Keys.Should().BeEquivalentTo(await own.CanonicalHistoryAsync(token.Address, (ulong)feed[^1]["toBlock"]!.GetValue<long>()));

        // The chain goes away: the standby (now leader) keeps serving the last snapshot, older each time, errors counted.
        using var gateway = new HttpClient { BaseAddress = own.Platform.App.GetEndpoint(ResourceNames.Gateway, "http") };
        using var direct = new HttpClient { BaseAddress = standbyUrl };
        var status = new StatusApiClient(direct, await OperatorTokenAsync(gateway));
        var good = await status.WaitForAsync(s => s["tokens"]?[token.Address.ToString()] is not null, TimeSpan.FromSeconds(30), "the token's figures");
        var chain = Process.GetProcessById(own.Pid(ResourceNames.Chain));
        chain.Kill();
        await chain.WaitForExitAsync();
        var first = await status.WaitForAsync(s => s["operational"]!["monitor"]!["cycle_errors_total"]!.GetValue<long>() > 0,
            TimeSpan.FromSeconds(30), "a failed cycle");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await status.GetAsync();
        var (m1, m2) = (first["operational"]!["monitor"]!, later["operational"]!["monitor"]!);
        m2["age_seconds"]!.GetValue<double>().Should().BeGreaterThan(m1["age_seconds"]!.GetValue<double>() + 2);
        m2["cycle_errors_total"]!.GetValue<long>().Should().BeGreaterThan(m1["cycle_errors_total"]!.GetValue<long>());
        m2["last_success_at"]!.GetValue<DateTimeOffset>().Should().Be(m1["last_success_at"]!.GetValue<DateTimeOffset>());
        // The last snapshot stays, exactly: from the first failed cycle on, nothing replaces it. (One more successful
        // scan may land between reading `good` and the kill, with the same figures and a newer updated_at.)
        var kept = later["tokens"]![token.Address.ToString()]!.AsObject();
        kept.ToJsonString().Should().Be(first["tokens"]![token.Address.ToString()]!.ToJsonString());
        var figures = good["tokens"]![token.Address.ToString()]!.AsObject();
        kept.Where(p => p.Key != "updated_at").Select(p => $"{p.Key}={p.Value!.ToJsonString()}")
            .Should().Equal(figures.Where(p => p.Key != "updated_at").Select(p => $"{p.Key}={p.Value!.ToJsonString()}"));
    }
}
