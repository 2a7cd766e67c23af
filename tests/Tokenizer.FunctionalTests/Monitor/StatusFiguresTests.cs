using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Monitor;

[Collection(PlatformCollection.Name)]
public sealed partial class StatusFiguresTests(PlatformFixture platform)
{
    private static readonly BigInteger Unit18 = BigInteger.Pow(10, 18);
    private readonly PlatformChainAccess _access = new(platform);

    [Fact]
    public async Task Status_figures_equal_balances_and_owners_read_from_chain_with_holders_locked_under_each_control()
    {
        var chain = new MonitorChain(_access.Rpc, _access.SignerKey, _access.Factory);
        var devs = Enumerable.Range(1, 5).Select(PlatformChainAccess.DevKey).ToArray();
        var randoms = Enumerable.Range(0, 20).Select(_ => PlatformChainAccess.RandomAddress()).ToArray();
        var everyone = devs.Select(d => d.Address).Concat(randoms).ToArray();

        // 25 holders with uneven amounts; holder-to-holder transfers; one holder frozen.
        var open = await chain.DeployErc20Async();
        for (var i = 0; i < randoms.Length; i++)
        {
            await chain.MintAsync(open, randoms[i], (Unit18 / 10 * (i + 1)) + i);
        }
        for (var i = 0; i < devs.Length; i++)
        {
            await chain.MintAsync(open, devs[i].Address, Unit18 * 1000 * (i + 1));
        }
        await chain.SendAsync(open.Transfer(devs[1].Address, Unit18 * 123456 / 1000), devs[0]);
        await chain.SendAsync(open.Transfer(randoms[0], Unit18), devs[0]);
        await chain.SendAsync(open.Freeze(devs[2].Address));

        // Permissioned, 6 decimals: a holder no longer approved is locked.
        var permissioned = await chain.DeployErc20Async(6, permissionless: false);
        await chain.SendAsync(permissioned.ApproveAccount(devs[0].Address));
        await chain.SendAsync(permissioned.ApproveAccount(devs[1].Address));
        await chain.MintAsync(permissioned, devs[0].Address, 500_000_000);
        await chain.MintAsync(permissioned, devs[1].Address, 250_000_001);
        await chain.SendAsync(permissioned.UnapproveAccount(devs[1].Address));

        // Paused: everything locked.
        var paused = await chain.DeployErc20Async();
        await chain.MintAsync(paused, devs[0].Address, Unit18 * 2);
        await chain.MintAsync(paused, devs[1].Address, Unit18);
        await chain.SendAsync(paused.Pause());

        // Transfers locked, no decimals: everything locked, whole-number supply.
        var transferLocked = await chain.DeployErc20Async(0);
        await chain.MintAsync(transferLocked, devs[3].Address, 7);
        await chain.MintAsync(transferLocked, devs[4].Address, 3);
        await chain.SendAsync(transferLocked.LockTransfers());

        // ERC721: counts token ids; a transferred id, a burned id, a frozen owner.
        var nft = await chain.DeployErc721Async();
        var first = await chain.MintAsync(nft, devs[0].Address, 3);
        var second = await chain.MintAsync(nft, devs[1].Address, 2);
        await chain.SendAsync(nft.TransferFrom(devs[0].Address, devs[2].Address, first[0]), devs[0]);
        await chain.SendAsync(nft.Burn(CommandIds.ForMintOrBurn(Guid.NewGuid().ToString()), devs[1].Address, [second[0]]));
        var last = await chain.SendAsync(nft.Freeze(devs[1].Address));

        var expected = new Dictionary<string, ExpectedFigures>
        {
            [open.Address.ToString()] = await ExpectedFigures.Erc20Async(open, everyone),
            [permissioned.Address.ToString()] = await ExpectedFigures.Erc20Async(permissioned, everyone),
            [paused.Address.ToString()] = await ExpectedFigures.Erc20Async(paused, everyone),
            [transferLocked.Address.ToString()] = await ExpectedFigures.Erc20Async(transferLocked, everyone),
            [nft.Address.ToString()] = await ExpectedFigures.Erc721Async(nft, first.Concat(second)),
        };
        // The chain itself says what the test set up, before the monitor is asked.
        expected[open.Address.ToString()].UniqueHolders.Should().Be(25);
        expected[open.Address.ToString()].LockedSupply.Should().Be(3000m);
        expected[permissioned.Address.ToString()].LockedSupply.Should().Be(250.000001m);
        expected[paused.Address.ToString()].LockedSupply.Should().Be(3m);
        expected[transferLocked.Address.ToString()].Should().Be(new ExpectedFigures(10, 10, 2, 0.7m, 0.58m));
        expected[nft.Address.ToString()].Should().Be(new ExpectedFigures(4, 1, 3, 0.5m, 0.375m));

        var status = await StatusApiClient.ForAsync(platform);
        var document = await status.WaitForAsync(
            s => expected.All(e => e.Value.Matches(s["tokens"]?[e.Key])), TimeSpan.FromSeconds(60), "the chain's figures for every test token");

        foreach (var key in expected.Keys)
        {
            var token = document["tokens"]![key]!.AsObject();
            foreach (var field in new[] { "total_supply", "total_locked_supply", "top_holder_share", "supply_concentration_hhi" })
            {
                TrimmedDecimal().IsMatch(token[field]!.GetValue<string>()).Should().BeTrue($"{field} of {key} is a trimmed decimal string: {token[field]}");
            }
        }
        document["tokens"]![transferLocked.Address.ToString()]!["total_supply"]!.GetValue<string>().Should().Be("10");
        document["tokens"]![paused.Address.ToString()]!["total_supply"]!.GetValue<string>().Should().Be("3.0");

        var operational = document["operational"]!.AsObject();
        var monitor = operational["monitor"]!.AsObject();
        monitor["monitoring_enabled"]!.GetValue<bool>().Should().BeTrue();
        monitor["poll_interval_seconds"]!.GetValue<double>().Should().Be(1);
        monitor["cycles_total"]!.GetValue<long>().Should().BePositive();
        monitor["cycle_errors_total"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
        monitor["last_scan_holdings"]!.GetValue<int>().Should().BeGreaterThanOrEqualTo(25 + 2 + 2 + 2 + 4);
        monitor["age_seconds"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0);
        monitor["last_success_at"].Should().NotBeNull();
        monitor["last_scan_duration_seconds"].Should().NotBeNull();
        operational["updated_at"].Should().NotBeNull();
        document["updated_at"].Should().NotBeNull();

        var subscriptions = operational["subscriptions"]!.AsArray().Select(s => s!.AsObject()).ToList();
        subscriptions.Select(s => s["name"]!.GetValue<string>()).Should().BeEquivalentTo(["history-confirmed", "holdings-scanned"]);
        subscriptions.Should().AllSatisfy(s =>
        {
            s["queue_depth"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
            s["queue_maxsize"]!.GetValue<int>().Should().BePositive();
            s["dropped_batches_total"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
        });
        subscriptions.Single(s => s["name"]!.GetValue<string>() == "history-confirmed")["dropped_batches_total"]!.GetValue<long>()
            .Should().Be(0, "the history feed applies back-pressure instead of dropping");

        var modules = operational["modules"]!.AsObject();
        var head = (long)await _access.Rpc.GetBlockNumberAsync();
        modules["chain"]!["factory"]!.GetValue<string>().Should().Be(_access.Factory.ToString());
        modules["chain"]!["confirmed_block"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo((long)last.Receipt.BlockNumber).And.BeLessThanOrEqualTo(head - 2);
        modules["chain"]!["head_block"]!.GetValue<long>().Should().BeLessThanOrEqualTo(head);
        modules["chain"]!["lag_blocks"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(0);
        modules["erc721"]!["token_ids"]![nft.Address.ToString()]!.GetValue<long>().Should().Be(4);
    }

    [Fact]
    public async Task Status_needs_an_operator_and_metrics_carry_the_monitor_figures()
    {
        using (var anonymous = await platform.Gateway.GetAsync("/status"))
        {
            anonymous.StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        }
        var status = await StatusApiClient.ForAsync(platform);
        await status.WaitForAsync(s => s["operational"]?["monitor"]?["last_success_at"] is not null, TimeSpan.FromSeconds(60), "a successful cycle");

        using var http = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.Monitor) };
        var metrics = JsonNode.Parse(await http.GetStringAsync("/metrics"))!["metrics"]!.AsObject();
        foreach (var name in new[]
        {
            "tokenizer.monitor.cycles", "tokenizer.monitor.cycle_errors", "tokenizer.monitor.reorgs", "tokenizer.monitor.lag_blocks",
            "tokenizer.monitor.lag_seconds", "tokenizer.monitor.head_block", "tokenizer.monitor.token.total_supply",
            "tokenizer.monitor.token.unique_holders", "tokenizer.monitor.token.top_holder_share", "tokenizer.monitor.token.supply_concentration_hhi",
        })
        {
            metrics.ContainsKey(name).Should().BeTrue($"/metrics lists {name}: {string.Join(", ", metrics.Select(m => m.Key))}");
        }

        var openApi = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        openApi["paths"]!["/status"]!["get"]!["responses"]!["200"]!.ToJsonString().Should().Contain("supply_concentration_hhi");
    }

    [GeneratedRegex(@"^\d+(\.\d*[1-9]|\.0)?$")]
    private static partial Regex TrimmedDecimal();
}
