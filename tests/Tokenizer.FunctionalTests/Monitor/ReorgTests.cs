using System.Numerics;
using Aspire.Hosting.Testing;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;
using static Tokenizer.FunctionalTests.Monitor.FeedAssertions;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>Reverts a chain after the monitor saw its events: only on a platform of the test's own.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ReorgTests(ITestOutputHelper output)
{
    private const int Depth = 2;

    [Fact]
    public async Task Events_of_blocks_that_left_the_chain_leave_the_history_feed_new_ones_arrive_and_none_is_published_before_its_depth()
    {
        await using var own = await OwnMonitorPlatform.StartAsync("monitor-reorg");
        var token = await own.Chain.DeployErc20Async();
        var holder = PlatformChainAccess.RandomAddress();
        var kept = await own.Chain.MintAsync(token, holder, 1);
        await WaitForFeedAsync(own, f => Carries(f, kept.Hash.ToString()), TimeSpan.FromSeconds(60), "the first mint");

        var snapshot = (await own.RpcAsync("evm_snapshot")).GetValue<string>();
        var reorged = await own.Chain.MintAsync(token, holder, 2);
        await WaitForFeedAsync(own, f => Carries(f, reorged.Hash.ToString()), TimeSpan.FromSeconds(60), "the mint about to be reorganised away");
        var neverFinal = await own.Chain.MintAsync(token, holder, 3);
        (await own.RpcAsync("evm_revert", snapshot)).GetValue<bool>().Should().BeTrue();
        var reverted = DateTime.UtcNow;

        // The revert took the signer's nonces back: a fresh sender reads them from the chain again.
        var chain = new MonitorChain(own.Rpc, own.Signer, own.Factory);
        var after = await chain.MintAsync(token, holder, 4);
        var feed = await WaitForFeedAsync(own,
            f => Carries(f, after.Hash.ToString()) && Removed(f).Any(r => r["transactionHash"]!.GetValue<string>() == reorged.Hash.ToString()),
            TimeSpan.FromSeconds(60), "the removal of the reorganised mint and the new mint");
        output.WriteLine($"feed repaired {(DateTime.UtcNow - reverted).TotalSeconds:0.0} s after the revert");

        ShouldBeNumberedWithoutGaps(feed);
        Added(feed).Should().NotContain(a => a["transactionHash"]!.GetValue<string>() == neverFinal.Hash.ToString(),
            "a mint reverted one block after inclusion never reached the confirmation depth");
        var lastBlock = (ulong)feed[^1]["toBlock"]!.GetValue<long>();
        var held = OwnMonitorPlatform.Fold(feed);
        held.Keys.Should().BeEquivalentTo(await own.CanonicalHistoryAsync(token.Address, lastBlock), "the feed holds exactly the chain's mints");
        held.Values.Select(e => BigInteger.Parse(e["amount"]!.GetValue<string>())).Should().BeEquivalentTo(new BigInteger[] { 1, 4 });

        // Nothing went out before its block was Depth deep: the block Depth above it existed when the batch was written.
        foreach (var batch in feed)
        {
            var publishedAt = batch["publishedAt"]!.GetValue<DateTimeOffset>();
            foreach (var added in batch["added"]!.AsArray())
            {
                var number = (ulong)added!["blockNumber"]!.GetValue<long>();
                var canonical = await own.Rpc.GetBlockByNumberAsync(BlockTag.Number(number));
                if (canonical?.Hash.ToString() != added["blockHash"]!.GetValue<string>())
                {
                    continue; // taken back later; its removal is checked above
                }
                var deep = await own.Rpc.GetBlockByNumberAsync(BlockTag.Number(number + Depth));
                deep.Should().NotBeNull();
                deep!.Time.Should().BeOnOrBefore(publishedAt.AddSeconds(1), "block {0} was {1} deep before the batch went out", number, Depth);
            }
        }

        using var gateway = new HttpClient { BaseAddress = own.Platform.App.GetEndpoint(ResourceNames.Gateway, "http") };
        var status = new StatusApiClient(gateway, await OperatorTokenAsync(gateway));
        await status.WaitForAsync(s => s["operational"]?["modules"]?["chain"]?["reorgs_total"]?.GetValue<long>() >= 1
            && s["tokens"]?[token.Address.ToString()]?["total_supply"]?.GetValue<string>() == "0.000000000000000005",
            TimeSpan.FromSeconds(30), "the reorg counted and the supply of the canonical chain");
    }
}
