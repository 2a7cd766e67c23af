using System.Text.Json.Nodes;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.FunctionalTests.Infrastructure;
using static Tokenizer.FunctionalTests.Monitor.FeedAssertions;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>
/// A reorg in the middle of a backfill, where the monitor reads the next range while it stores the last one: the
/// ranges read ahead on the old branch must never stay stored, and final events of the old branch leave the feed.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PipelinedReorgTests(ITestOutputHelper output)
{
    private const int MintsPerBranch = 8;
    private const string BlocksBetweenMints = "0x14";

    [Fact]
    public async Task A_reorg_during_a_backfill_in_one_block_ranges_leaves_exactly_the_canonical_chain_in_the_index_and_the_feed()
    {
        await using var own = await OwnMonitorPlatform.StartAsync("monitor-pipelined-reorg");
        var token = await own.Chain.DeployErc20Async();
        var first = await own.Chain.MintAsync(token, PlatformChainAccess.RandomAddress(), 1);
        await WaitForFeedAsync(own, f => Carries(f, first.Hash.ToString()), TimeSpan.FromSeconds(60), "the first mint");
        await own.KillAppHostMonitorAsync();

        // History piles up behind the stopped monitor: a common part, then branch A, which the revert takes back.
        var common = await MintSpreadAsync(own, own.Chain, token, 10);
        var fork = (long)await own.Rpc.GetBlockNumberAsync();
        var snapshot = (await own.RpcAsync("evm_snapshot")).GetValue<string>();
        var branchA = await MintSpreadAsync(own, own.Chain, token, 100);

        // One block per range: hundreds of ranges, each read while the one before is stored.
        await own.StartExtraMonitorAsync(new Dictionary<string, string> { ["Monitor__MaxBlocksPerBatch"] = "1" });
        var reached = await WaitForIndexedAsync(own, fork + 30, TimeSpan.FromSeconds(120));
        (await own.RpcAsync("evm_revert", snapshot)).GetValue<bool>().Should().BeTrue();
        output.WriteLine($"reverted to block {fork} with the monitor at block {reached} (branch A ended at block {fork + (MintsPerBranch * 21)})");

        // Branch B: new mints from the fork on (a fresh sender: the revert took the signer's nonces back).
        var branchB = await MintSpreadAsync(own, new MonitorChain(own.Rpc, own.Signer, own.Factory), token, 200);
        var feed = await WaitForFeedAsync(own, f => branchB.All(h => Carries(f, h)), TimeSpan.FromSeconds(180), "every mint of branch B");

        ShouldBeNumberedWithoutGaps(feed);
        var lastBlock = (ulong)feed[^1]["toBlock"]!.GetValue<long>();
        var canonical = await own.CanonicalHistoryAsync(token.Address, lastBlock);
        OwnMonitorPlatform.Fold(feed).Keys.Should().BeEquivalentTo(canonical, "the folded feed holds exactly the chain's mints");
        Added(feed).Select(a => a["transactionHash"]!.GetValue<string>()).Should().Contain(common.Append(first.Hash.ToString()));
        var removed = Removed(feed).Select(r => r["transactionHash"]!.GetValue<string>()).ToList();
        removed.Should().NotBeEmpty("branch A's first mints were final before the revert").And.OnlyContain(h => branchA.Contains(h), "only branch A left the chain");
        output.WriteLine($"{removed.Count} final mints of branch A removed from the feed");

        // The index itself: every stored mint up to the monitor's cursor is a mint of the canonical chain, and none is missing.
        var (indexed, stored) = await StoredMintsAsync(own, token.Address);
        stored.Should().BeEquivalentTo(await own.CanonicalHistoryAsync(token.Address, (ulong)indexed), "the index keeps no event of branch A");
    }

    private static async Task<List<string>> MintSpreadAsync(OwnMonitorPlatform own, MonitorChain chain, TokenizerErc20Contract token, int firstAmount)
    {
        var hashes = new List<string>();
        for (var i = 0; i < MintsPerBranch; i++)
        {
            hashes.Add((await chain.MintAsync(token, PlatformChainAccess.RandomAddress(), firstAmount + i)).Hash.ToString());
            await own.RpcAsync("anvil_mine", JsonValue.Create(BlocksBetweenMints));
        }
        return hashes;
    }

    private static async Task<long> WaitForIndexedAsync(OwnMonitorPlatform own, long block, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(own.MonitorDb);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var command = new NpgsqlCommand("select indexed_block from monitor_cursors where factory = @f", connection);
            command.Parameters.AddWithValue("f", own.Factory.ToLowerHex());
            var indexed = (long)(await command.ExecuteScalarAsync())!;
            if (indexed >= block)
            {
                return indexed;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The monitor did not index block {block} within {timeout} (at {indexed}).");
            }
            await Task.Delay(20);
        }
    }

    private static async Task<(long Indexed, HashSet<(string, int)> Mints)> StoredMintsAsync(OwnMonitorPlatform own, Address token)
    {
        await using var connection = new NpgsqlConnection(own.MonitorDb);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using var cursor = new NpgsqlCommand("select indexed_block from monitor_cursors where factory = @f", connection, transaction);
        cursor.Parameters.AddWithValue("f", own.Factory.ToLowerHex());
        var indexed = (long)(await cursor.ExecuteScalarAsync())!;
        await using var command = new NpgsqlCommand(
            """
            select '0x' || encode(block_hash, 'hex'), log_index from monitor_events
            where factory_id = (select id from monitor_cursors where factory = @f) and token = @t and kind = 'mint'
            """, connection, transaction);
        command.Parameters.AddWithValue("f", own.Factory.ToLowerHex());
        command.Parameters.AddWithValue("t", token.ToBytes());
        var mints = new HashSet<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            mints.Add((reader.GetString(0), reader.GetInt32(1)));
        }
        return (indexed, mints);
    }
}
