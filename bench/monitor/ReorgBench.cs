using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Bench.Monitor;

/// <summary>
/// A reorg of a given depth under the AppHost's monitor: a mint on a branch that the monitor indexed (and, when it
/// was deep enough, published), then evm_revert and a new branch with another mint. Timed from the moment the new
/// branch stands until the feed, folded, holds exactly the token's canonical mints. Interval mining is off meanwhile,
/// so the depth is exact.
/// </summary>
public static class ReorgBench
{
    private const int ConfirmationDepth = 2;

    public static async Task<ReorgResult> RunAsync(BenchPlatform platform, Address token, int depth, TimeSpan pollInterval)
    {
        var rpc = platform.Rpc;
        // Interval 0 switches all mining off in anvil; automine then mines each transaction, and nothing else.
        await rpc.RequestAsync("evm_setIntervalMining", [JsonValue.Create(0)]);
        await rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(true)]);
        try
        {
            await WaitIndexedAsync(platform, (long)await rpc.GetBlockNumberAsync());
            var ancestor = (long)await rpc.GetBlockNumberAsync();
            var snapshot = (await rpc.RequestAsync("evm_snapshot", [])).GetString()!;

            var old = await MintAsync(platform, token);
            if (depth > 1)
            {
                await rpc.RequestAsync("anvil_mine", [JsonValue.Create($"0x{depth - 1:x}")]);
            }
            var oldHead = (long)await rpc.GetBlockNumberAsync();
            await WaitIndexedAsync(platform, oldHead);
            if (depth - 1 >= ConfirmationDepth)
            {
                await WaitForAsync(platform, feed => feed.Any(b => Carries(b, old)), "the old branch's mint published");
            }

            if (!(await rpc.RequestAsync("evm_revert", [JsonValue.Create(snapshot)])).GetBoolean())
            {
                throw new InvalidOperationException("evm_revert refused the snapshot.");
            }
            await MintAsync(platform, token);
            await rpc.RequestAsync("anvil_mine", [JsonValue.Create($"0x{depth + 1:x}")]);
            var clock = Stopwatch.StartNew();
            var expected = await CanonicalMintsAsync(rpc, token);
            var feed = await WaitForAsync(platform, f => Fold(f, token).SetEquals(expected), "the feed matching the chain");
            var seconds = clock.Elapsed.TotalSeconds;
            var removed = feed.Sum(b => b["removed"]!.AsArray().Count);
            return new ReorgResult(depth, oldHead - ancestor, seconds, seconds / pollInterval.TotalSeconds, removed);
        }
        finally
        {
            // Back to a block a second (anvil has no call that restores its mixed mode; automine stays off).
            await rpc.RequestAsync("evm_setIntervalMining", [JsonValue.Create(1)]);
        }
    }

    private static async Task<string> MintAsync(BenchPlatform platform, Address token)
    {
        // A fresh sender each time: a revert takes the signer's nonce back, so it is read from the chain again.
        var chainId = await platform.Rpc.GetChainIdAsync();
        var sender = new ContractTransactionSender(platform.Rpc, new NonceManager(platform.Rpc, new InMemoryNonceStore()), platform.Signer, chainId);
        var contract = new TokenizerErc20Contract(platform.Rpc, token);
        var receipt = await sender.SendAndWaitAsync(contract.Mint(CommandIds.ForMintOrBurn(Guid.NewGuid().ToString()), platform.Signer.Address, 1));
        return receipt.Hash.ToString();
    }

    private static bool Carries(JsonObject batch, string transactionHash) =>
        batch["added"]!.AsArray().Any(a => string.Equals(a!["transactionHash"]!.GetValue<string>(), transactionHash, StringComparison.OrdinalIgnoreCase));

    private static async Task<HashSet<(string, int)>> CanonicalMintsAsync(EthRpcClient rpc, Address token)
    {
        var head = await rpc.GetBlockNumberAsync();
        var logs = await rpc.GetLogsAsync(new LogFilter
        {
            FromBlock = BlockTag.Number(0),
            ToBlock = BlockTag.Number(head - ConfirmationDepth),
            Addresses = [token],
            Topics = [[TokenizerEvents.Topic0<Erc20MintedEvent>(), TokenizerEvents.Topic0<Erc20BurnedEvent>()]],
        });
        return logs.Select(l => (l.BlockHash!.Value.ToString(), (int)l.LogIndex!.Value)).ToHashSet();
    }

    /// <summary>Added minus removed, in sequence order: what a consumer of the feed holds for the token.</summary>
    private static HashSet<(string, int)> Fold(List<JsonObject> feed, Address token)
    {
        var held = new HashSet<(string, int)>();
        foreach (var batch in feed)
        {
            foreach (var removed in batch["removed"]!.AsArray())
            {
                held.Remove((removed!["blockHash"]!.GetValue<string>(), removed["logIndex"]!.GetValue<int>()));
            }
            foreach (var added in batch["added"]!.AsArray())
            {
                if (string.Equals(added!["instrumentId"]!.GetValue<string>(), token.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    held.Add((added["blockHash"]!.GetValue<string>(), added["logIndex"]!.GetValue<int>()));
                }
            }
        }
        return held;
    }

    private static async Task<List<JsonObject>> WaitForAsync(BenchPlatform platform, Func<List<JsonObject>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        await using var connection = new NpgsqlConnection(platform.MonitorDb);
        await connection.OpenAsync();
        while (true)
        {
            var feed = new List<JsonObject>();
            await using (var command = new NpgsqlCommand("select body::text from monitor_history_batches where factory = @f order by sequence", connection))
            {
                command.Parameters.AddWithValue("f", platform.Factory.ToLowerHex());
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    feed.Add(JsonNode.Parse(reader.GetString(0))!.AsObject());
                }
            }
            if (done(feed))
            {
                return feed;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {what} within 120 s.");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the AppHost's monitor has indexed <paramref name="block"/>.</summary>
    public static async Task WaitIndexedAsync(BenchPlatform platform, long block, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        await using var connection = new NpgsqlConnection(platform.MonitorDb);
        await connection.OpenAsync();
        while (true)
        {
            await using (var command = new NpgsqlCommand("select indexed_block from monitor_cursors where factory = @f", connection))
            {
                command.Parameters.AddWithValue("f", platform.Factory.ToLowerHex());
                if (await command.ExecuteScalarAsync() is long indexed && indexed >= block)
                {
                    return;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The monitor did not index block {block} within {timeoutSeconds} s.");
            }
            await Task.Delay(20);
        }
    }
}
