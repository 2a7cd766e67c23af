using System.Collections.Concurrent;
using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Operator;

/// <summary>
/// Operator commands across crashes and outages, on a platform of their own (<see cref="FaultPlatform"/>): whatever is
/// killed or stopped, every accepted command executes exactly once, counted in the token's own Minted events.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OperatorFaultTests(FaultPlatform faults) : IClassFixture<FaultPlatform>
{
    private static readonly BigInteger Unit = BigInteger.Pow(10, 18);

    [Fact]
    public async Task TokenAdmin_killed_twice_with_200_commands_in_flight_executes_each_exactly_once()
    {
        var client = faults.Operator;
        var token = await client.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var ids = Enumerable.Range(0, 200).Select(i => OperatorCommandsClient.NewCommandId($"crash-{i:000}")).ToArray();
        var accepted = new ConcurrentDictionary<string, string>();

        var submitting = SubmitUntilAcceptedAsync(client, ids, token, party, accepted);
        // First kill: with commands accepted and not yet sent. Second: with transactions just broadcast.
        await WaitUntilAsync(() => accepted.Count >= 50, TimeSpan.FromSeconds(120));
        await faults.KillAndRestartAsync(ResourceNames.TokenAdmin, TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => accepted.Count >= 130, TimeSpan.FromSeconds(180));
        await WaitForAnySentAsync(client, ids.Where(accepted.ContainsKey));
        await faults.KillAndRestartAsync(ResourceNames.TokenAdmin, TimeSpan.Zero);
        await submitting;

        var answers = accepted.Values.Distinct().ToArray();
        answers.Should().OnlyContain(a => a.Contains("\"submitted\"", StringComparison.Ordinal));
        foreach (var id in ids)
        {
            (await client.WaitForOutcomeAsync(id, TimeSpan.FromSeconds(180)))["status"]!.GetValue<string>().Should().Be("confirmed", id);
        }
        await AssertMintedOnceEachAsync(client, token, ids);
        (await client.BalanceOfAsync(token, party)).Should().Be(200 * Unit);
    }

    [Fact]
    public async Task RabbitMQ_stopped_for_30_seconds_loses_no_command_and_each_executes_once()
    {
        var client = faults.Operator;
        var token = await client.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var ids = Enumerable.Range(0, 20).Select(i => OperatorCommandsClient.NewCommandId($"broker-{i:00}")).ToArray();

        await faults.OutageAsync(ResourceNames.RabbitMq, TimeSpan.FromSeconds(30), async () =>
        {
            foreach (var id in ids)
            {
                // Accepted while the broker is down: the outbox holds the messages.
                await client.SubmitAsync("mint", id, token, party, "1");
            }
        });

        foreach (var id in ids)
        {
            (await client.WaitForOutcomeAsync(id, TimeSpan.FromSeconds(120)))["status"]!.GetValue<string>().Should().Be("confirmed", id);
        }
        await AssertMintedOnceEachAsync(client, token, ids);
        (await client.BalanceOfAsync(token, party)).Should().Be(20 * Unit);
    }

    [Fact]
    public async Task The_chain_node_stopped_for_30_seconds_makes_commands_wait_and_none_fails()
    {
        var client = faults.Operator;
        var token = await client.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        // The instrument is known before the outage (accepting a new one needs the chain).
        var warm = OperatorCommandsClient.NewCommandId("chain-warm");
        await client.SubmitAsync("mint", warm, token, party, "1");
        await client.WaitForOutcomeAsync(warm);
        // anvil writes its state every 5 s; let the warm-up mint reach the file before the node goes.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var ids = Enumerable.Range(0, 10).Select(i => OperatorCommandsClient.NewCommandId($"chain-{i:00}")).ToArray();

        await faults.OutageAsync(ResourceNames.Chain, TimeSpan.FromSeconds(30), async () =>
        {
            foreach (var id in ids)
            {
                await client.SubmitAsync("mint", id, token, party, "1");
            }
            await Task.Delay(TimeSpan.FromSeconds(15));
            foreach (var id in ids)
            {
                var (_, body) = await client.GetCommandAsync(id);
                body!["status"]!.GetValue<string>().Should().Be("submitted", "nothing can be sent while the node is away, and nothing fails for it");
            }
        });

        foreach (var id in ids)
        {
            (await client.WaitForOutcomeAsync(id, TimeSpan.FromSeconds(120)))["status"]!.GetValue<string>().Should().Be("confirmed", id);
        }
        await AssertMintedOnceEachAsync(client, token, ids);
    }

    [Fact]
    public async Task A_transaction_the_node_holds_back_is_replaced_with_higher_fees_and_exactly_one_of_its_hashes_lands()
    {
        var client = faults.Operator;
        var token = await client.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var commandId = OperatorCommandsClient.NewCommandId("stuck");
        JsonNode? held = null;

        await client.Rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(false)]);
        await client.Rpc.RequestAsync("evm_setIntervalMining", [JsonValue.Create(0)]);
        try
        {
            await client.SubmitAsync("mint", commandId, token, party, "3");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                var (_, body) = await client.GetCommandAsync(commandId);
                if (body!["tx_hashes"]!.AsArray().Count >= 2)
                {
                    held = body;
                    break;
                }
                await Task.Delay(500);
            }
        }
        finally
        {
            // Back to the platform's mining: a block per transaction plus one a second.
            await client.Rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(true)]);
            await client.Rpc.RequestAsync("evm_setIntervalMining", [JsonValue.Create(1)]);
        }

        held.Should().NotBeNull("the held-back transaction is replaced");
        held!["status"]!.GetValue<string>().Should().Be("sent");
        var outcome = await client.WaitForOutcomeAsync(commandId, TimeSpan.FromSeconds(60));
        outcome["status"]!.GetValue<string>().Should().Be("confirmed");
        var hashes = outcome["tx_hashes"]!.AsArray().Select(h => h!.GetValue<string>()).ToArray();
        hashes.Should().Contain(outcome["update_id"]!.GetValue<string>());
        var landed = new List<string>();
        foreach (var hash in hashes)
        {
            if (await client.Rpc.GetTransactionReceiptAsync(Hash32.Parse(hash)) is not null)
            {
                landed.Add(hash);
            }
        }
        landed.Should().ContainSingle().Which.Should().Be(outcome["update_id"]!.GetValue<string>());
        await AssertMintedOnceEachAsync(client, token, [commandId]);
        (await client.BalanceOfAsync(token, party)).Should().Be(3 * Unit);
    }

    [Fact]
    public async Task A_nonce_taken_outside_the_platform_is_detected_and_the_command_is_signed_again_and_mints_once()
    {
        var client = faults.Operator;
        var token = await client.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        var commandId = OperatorCommandsClient.NewCommandId("taken");
        string? original = null;

        await client.Rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(false)]);
        await client.Rpc.RequestAsync("evm_setIntervalMining", [JsonValue.Create(0)]);
        try
        {
            await client.SubmitAsync("mint", commandId, token, party, "4");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (original is null && DateTime.UtcNow < deadline)
            {
                var (_, body) = await client.GetCommandAsync(commandId);
                original = body!["tx_hashes"]!.AsArray().Select(h => h!.GetValue<string>()).FirstOrDefault();
                await Task.Delay(100);
            }
            original.Should().NotBeNull("the command was sent");

            // Someone else with the signer's key uses the same nonce, paying far more: the pool takes theirs.
            var pending = await client.Rpc.GetTransactionByHashAsync(Hash32.Parse(original!));
            await client.Rpc.SendRawTransactionAsync(await SignSelfTransferAsync(client, pending!.Nonce, tip: 50_000_000_000));
        }
        finally
        {
            await client.Rpc.RequestAsync("evm_setAutomine", [JsonValue.Create(true)]);
            await client.Rpc.RequestAsync("evm_setIntervalMining", [JsonValue.Create(1)]);
        }

        var outcome = await client.WaitForOutcomeAsync(commandId, TimeSpan.FromSeconds(90));
        outcome["status"]!.GetValue<string>().Should().Be("confirmed", outcome.ToJsonString());
        outcome["update_id"]!.GetValue<string>().Should().NotBe(original, "the first transaction's nonce went to another one");
        (await client.Rpc.GetTransactionReceiptAsync(Hash32.Parse(original!))).Should().BeNull();
        await AssertMintedOnceEachAsync(client, token, [commandId]);
        (await client.BalanceOfAsync(token, party)).Should().Be(4 * Unit);
    }

    [Fact]
    public async Task A_nonce_gap_below_sent_commands_is_repaired_by_resending_what_is_on_record_or_filling_it_and_they_mint_once()
    {
        var client = faults.Operator;
        var token = await client.DeployErc20Async();
        var party = PlatformChainAccess.RandomAddress();
        await using var db = Npgsql.NpgsqlDataSource.Create((await faults.Platform.App.GetConnectionStringAsync(ResourceNames.TokenAdminDb))!);

        // 1. A replica recorded a transaction for the next nonce and died before broadcasting it: the node never saw
        // it, and the commands signed after it (above it) are held behind the gap.
        var orphanNonce = await client.Rpc.GetTransactionCountAsync(client.Signer.Address, BlockTag.Pending);
        var orphan = await RecordUnsentAsync(client, db, orphanNonce);
        var first = OperatorCommandsClient.NewCommandId("gap-sent");
        await client.SubmitAsync("mint", first, token, party, "2");
        (await WaitForSentNonceAsync(client, first)).Should().BeGreaterThan(orphanNonce, "the store's record keeps the platform above it");

        var outcome = await client.WaitForOutcomeAsync(first, TimeSpan.FromSeconds(60));
        outcome["status"]!.GetValue<string>().Should().Be("confirmed", outcome.ToJsonString());
        (await client.Rpc.GetTransactionReceiptAsync(orphan.Hash)).Should().NotBeNull("the gap was closed with the very bytes on record");

        // 2. The gap's record is gone (its broadcast was refused after a later nonce had gone out): nothing is on
        // record for it, so a zero-value transfer to the signer itself fills it.
        var holeNonce = await client.Rpc.GetTransactionCountAsync(client.Signer.Address, BlockTag.Pending);
        var removed = await RecordUnsentAsync(client, db, holeNonce);
        var second = OperatorCommandsClient.NewCommandId("gap-hole");
        await client.SubmitAsync("mint", second, token, party, "5");
        (await WaitForSentNonceAsync(client, second)).Should().BeGreaterThan(holeNonce);
        await using (var delete = db.CreateCommand("delete from chain_transactions where sender = $1 and nonce = $2 and hash = $3"))
        {
            delete.Parameters.Add(new Npgsql.NpgsqlParameter { Value = client.Signer.Address.ToLowerHex() });
            delete.Parameters.Add(new Npgsql.NpgsqlParameter { Value = checked((long)holeNonce) });
            delete.Parameters.Add(new Npgsql.NpgsqlParameter { Value = removed.Hash.ToString() });
            (await delete.ExecuteNonQueryAsync()).Should().Be(1, "the record was still there to remove");
        }

        outcome = await client.WaitForOutcomeAsync(second, TimeSpan.FromSeconds(60));
        outcome["status"]!.GetValue<string>().Should().Be("confirmed", outcome.ToJsonString());
        (await client.Rpc.GetTransactionReceiptAsync(removed.Hash)).Should().BeNull("what left the record is never sent");
        await using (var select = db.CreateCommand("select hash from chain_transactions where sender = $1 and nonce = $2"))
        {
            select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = client.Signer.Address.ToLowerHex() });
            select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = checked((long)holeNonce) });
            var filler = await client.Rpc.GetTransactionByHashAsync(Hash32.Parse((string)(await select.ExecuteScalarAsync())!));
            filler!.To.Should().Be(client.Signer.Address, "the gap is filled with a transfer to the signer itself");
            filler.Value.Should().Be(System.Numerics.BigInteger.Zero);
            filler.Nonce.Should().Be(holeNonce);
            filler.BlockNumber.Should().NotBeNull("the filler was mined");
        }

        await AssertMintedOnceEachAsync(client, token, [first, second]);
        (await client.BalanceOfAsync(token, party)).Should().Be(7 * Unit);
        using var direct = new HttpClient { BaseAddress = faults.Platform.App.GetEndpoint(ResourceNames.TokenAdmin, "http") };
        var repairs = JsonNode.Parse(await direct.GetStringAsync("/metrics"))!["metrics"]!["tokenadmin.nonces.gap_repairs"];
        repairs!["value"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(2, "one resend and one filler at least");
    }

    /// <summary>Records a signed zero-value transfer for <paramref name="nonce"/> in TokenAdmin's store without sending it.</summary>
    private static async Task<Tokenizer.Chain.Transactions.SignedTransaction> RecordUnsentAsync(OperatorCommandsClient client, Npgsql.NpgsqlDataSource db, ulong nonce)
    {
        var signed = await SignSelfTransferAsync(client, nonce, tip: 1_000_000_000);
        await using var insert = db.CreateCommand("insert into chain_transactions (sender, nonce, hash, raw, created_at) values ($1, $2, $3, $4, now())");
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = client.Signer.Address.ToLowerHex() });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = checked((long)nonce) });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = signed.Hash.ToString() });
        insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = signed.Raw });
        await insert.ExecuteNonQueryAsync();
        return signed;
    }

    /// <summary>A zero-value transfer from the platform signer to itself, signed with its key outside the platform.</summary>
    private static async Task<Tokenizer.Chain.Transactions.SignedTransaction> SignSelfTransferAsync(OperatorCommandsClient client, ulong nonce, BigInteger tip) =>
        new Tokenizer.Chain.Transactions.Eip1559Transaction
        {
            ChainId = await client.Rpc.GetChainIdAsync(),
            Nonce = nonce,
            MaxPriorityFeePerGas = tip,
            MaxFeePerGas = 100_000_000_000,
            GasLimit = 21_000,
            To = client.Signer.Address,
            Value = 0,
        }.Sign(client.Signer);

    /// <summary>The nonce of the command's first transaction, once it was sent.</summary>
    private static async Task<ulong> WaitForSentNonceAsync(OperatorCommandsClient client, string commandId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var (_, body) = await client.GetCommandAsync(commandId);
            if (body!["tx_hashes"]!.AsArray().FirstOrDefault() is { } hash
                && await client.Rpc.GetTransactionByHashAsync(Hash32.Parse(hash.GetValue<string>())) is { } sent)
            {
                return sent.Nonce;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{commandId} was not sent in time");
    }

    private static async Task SubmitUntilAcceptedAsync(OperatorCommandsClient client, string[] ids, Address token, Address party, ConcurrentDictionary<string, string> accepted)
    {
        // An operator whose request got no answer repeats it with the same command_id until it does.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var response = await client.PostAsync("mint", new { command_id = id, instrument_id = token.ToString(), party_id = party.ToString(), amount = "1" });
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        accepted[id] = await response.Content.ReadAsStringAsync();
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // The gateway's upstream is down: repeat.
                }
                catch (TaskCanceledException)
                {
                    // Timed out: repeat.
                }
                await Task.Delay(300);
            }
            throw new TimeoutException($"{id} was never accepted");
        });
    }

    private static async Task WaitForAnySentAsync(OperatorCommandsClient client, IEnumerable<string> ids)
    {
        var candidates = ids.ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var id in candidates.Reverse().Take(20))
            {
                var (status, body) = await client.GetCommandAsync(id);
                if (status == HttpStatusCode.OK && body!["status"]!.GetValue<string>() == "sent")
                {
                    return;
                }
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not met in time.");
            }
            await Task.Delay(50);
        }
    }

    private static async Task AssertMintedOnceEachAsync(OperatorCommandsClient client, Address token, IReadOnlyCollection<string> ids)
    {
        var logs = await client.Rpc.GetLogsAsync(new LogFilter { Addresses = [token], Topics = [[TokenizerEvents.Topic0<Erc20MintedEvent>()]] });
        var byCommand = logs.GroupBy(l => l.Topics[1]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var id in ids)
        {
            byCommand.GetValueOrDefault(CommandIds.ForMintOrBurn(id)).Should().Be(1, $"{id} mints exactly once");
        }
    }
}
