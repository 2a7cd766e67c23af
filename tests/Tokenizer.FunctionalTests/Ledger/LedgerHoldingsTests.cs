using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>Holdings snapshots through the gateway, fed by scans of real balances as the Monitor takes them.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LedgerHoldingsTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly BigInteger Unit = BigInteger.Pow(10, 18);
    private readonly LedgerReader _ledger = new(platform);

    [Fact]
    public async Task Holdings_equal_the_balances_read_on_chain()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployUnwatchedErc20Async();
        Address[] holders = [PlatformChainAccess.RandomAddress(), PlatformChainAccess.RandomAddress(), PlatformChainAccess.RandomAddress()];
        for (var i = 0; i < holders.Length; i++)
        {
            await chain.MintAsync(chain.OtherMinter, token, LedgerChain.RandomCommand(), holders[i], (i + 1) * Unit + 25 * Unit / 100);
        }
        var block = await chain.Rpc.GetBlockNumberAsync();
        var scan = await ScanAsync(feed, token, holders, 1, block);
        await feed.PublishAsync(scan);

        var path = $"/data/admin/holdings?instrument_id={token.Address.ToString().ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)}";
        var page = await _ledger.WaitForAsync(path, j => j["total"]?.GetValue<long>() == 3, "the scan is stored");
        page["scan"]!["scanned_at"]!.GetValue<DateTime>().Should().BeCloseTo(scan.ScannedAt.UtcDateTime, TimeSpan.FromMilliseconds(1));
        var rows = page["holdings"]!.AsArray();
        rows.Should().HaveCount(3);
        foreach (var holder in holders)
        {
            var row = rows.Single(r => r!["party_id"]!.GetValue<string>() == holder.ToString())!;
            row.AsObject().Select(p => p.Key).Should().BeEquivalentTo("holding_cid", "party_id", "instrument_id", "amount", "locked");
            var onChain = await token.BalanceOfAsync(holder, BlockTag.Number(block));
            row["amount"]!.GetValue<string>().Should().Be(Units(onChain));
            row["holding_cid"]!.GetValue<string>().Should().Be(LedgerChain.HoldingCid(token.Address, holder));
            row["instrument_id"]!.GetValue<string>().Should().Be(token.Address.ToString());
            row["locked"]!.GetValue<bool>().Should().BeFalse();
        }
        rows.Select(r => r!["amount"]!.GetValue<string>()).Should().BeEquivalentTo("1.25", "2.25", "3.25");
    }

    [Fact]
    public async Task A_newer_scan_replaces_the_snapshot_whole_keeping_holding_cids_and_an_older_scan_is_ignored()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployUnwatchedErc20Async();
        var stays = PlatformChainAccess.RandomAddress();
        var leaves = PlatformChainAccess.RandomAddress();
        await chain.MintAsync(chain.OtherMinter, token, LedgerChain.RandomCommand(), stays, 5 * Unit);
        await chain.MintAsync(chain.OtherMinter, token, LedgerChain.RandomCommand(), leaves, 6 * Unit);
        var first = await ScanAsync(feed, token, [stays, leaves], 10, await chain.Rpc.GetBlockNumberAsync());
        await feed.PublishAsync(first);
        var path = $"/data/admin/holdings?instrument_id={token.Address}";
        var before = await _ledger.WaitForAsync(path, j => j["total"]?.GetValue<long>() == 2, "the first scan is stored");

        await chain.BurnAsync(chain.OtherMinter, token, LedgerChain.RandomCommand(), leaves, 6 * Unit);
        await chain.MintAsync(chain.OtherMinter, token, LedgerChain.RandomCommand(), stays, Unit);
        var second = await ScanAsync(feed, token, [stays, leaves], 11, await chain.Rpc.GetBlockNumberAsync());
        second.Holdings.Should().ContainSingle("the emptied holding is not in the scan");
        await feed.PublishAsync(second);
        var after = await _ledger.WaitForAsync(path, j => j["total"]?.GetValue<long>() == 1, "the second scan replaced the first");
        var row = after["holdings"]![0]!;
        row["amount"]!.GetValue<string>().Should().Be("6.0");
        row["holding_cid"]!.GetValue<string>().Should().Be(
            before["holdings"]!.AsArray().Single(r => r!["party_id"]!.GetValue<string>() == stays.ToString())!["holding_cid"]!.GetValue<string>());

        // The first scan again (late, or redelivered) changes nothing; a later scan is still applied after it.
        await feed.PublishAsync(first);
        var third = second with { ScanId = 12, ScannedAt = DateTimeOffset.UtcNow };
        await feed.PublishAsync(third);
        var last = await _ledger.WaitForAsync(path, j => j["scan"]!["scanned_at"]!.GetValue<DateTime>() >= third.ScannedAt.UtcDateTime.AddMilliseconds(-1), "the third scan is stored");
        last["total"]!.GetValue<long>().Should().Be(1);
        last["holdings"]![0]!["amount"]!.GetValue<string>().Should().Be("6.0");
    }

    [Fact]
    public async Task Holdings_pages_by_limit_and_offset_with_total_counting_every_match()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployUnwatchedErc20Async();
        var owner = PlatformChainAccess.RandomAddress();
        // Synthetic holdings are fine here: the paging, not the chain, is under test.
        var entries = Enumerable.Range(1, 25)
            .Select(i => new HoldingEntry(LedgerChain.HoldingCid(token.Address, PlatformChainAccess.RandomAddress()), (i == 7 ? owner : PlatformChainAccess.RandomAddress()).ToString(), (i * Unit).ToString(CultureInfo.InvariantCulture), null, false))
            .ToList();
        await feed.PublishAsync(new HoldingsScanned(1, DateTimeOffset.UtcNow, 1, token.Address.ToString(), "ERC20", 18, entries, feed.Factory));
        var path = $"/data/admin/holdings?instrument_id={token.Address}";
        var all = await _ledger.WaitForAsync(path, j => j["total"]?.GetValue<long>() == 25, "the scan is stored");
        var cids = all["holdings"]!.AsArray().Select(r => r!["holding_cid"]!.GetValue<string>()).ToList();
        cids.Should().HaveCount(25).And.OnlyHaveUniqueItems();

        var page = await _ledger.GetJsonAsync($"{path}&limit=10&offset=20");
        page["total"]!.GetValue<long>().Should().Be(25);
        page["holdings"]!.AsArray().Select(r => r!["holding_cid"]!.GetValue<string>()).Should().Equal(cids.Skip(20));
        var mine = await _ledger.GetJsonAsync($"{path}&party_id={owner.ToString().ToLowerInvariant()}");
        mine["total"]!.GetValue<long>().Should().Be(1);
        mine["holdings"]![0]!["amount"]!.GetValue<string>().Should().Be("7.0");
    }

    [Fact]
    public async Task The_largest_documented_page_of_100000_holdings_comes_back_whole()
    {
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = PlatformChainAccess.RandomAddress();
        var entries = Enumerable.Range(0, 100_000)
            .Select(_ => PlatformChainAccess.RandomAddress())
            .Select(owner => new HoldingEntry(LedgerChain.HoldingCid(token, owner), owner.ToString(), "1000000000000000000", null, false))
            .ToList();
        await feed.PublishAsync(new HoldingsScanned(1, DateTimeOffset.UtcNow, 1, token.ToString(), "ERC20", 18, entries, feed.Factory));
        var path = $"/data/admin/holdings?instrument_id={token}&limit=1";
        await _ledger.WaitForAsync(path, j => j["total"]?.GetValue<long>() == 100_000, "the 100,000-holding scan is stored");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var page = await _ledger.GetJsonAsync($"/data/admin/holdings?instrument_id={token}");
        var elapsed = started.Elapsed;
        page["total"]!.GetValue<long>().Should().Be(100_000);
        var rows = page["holdings"]!.AsArray();
        rows.Should().HaveCount(100_000, "the default page is the documented maximum");
        rows.Select(r => r!["holding_cid"]!.GetValue<string>()).Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
        rows.Select(r => r!["amount"]!.GetValue<string>()).Distinct().Should().Equal("1.0");
        // Reported, not asserted: the machine is shared. LedgerData's peak resident memory since its (re)start.
        output.WriteLine($"100,000 holdings through the gateway: {elapsed.TotalMilliseconds:0} ms; LedgerData VmHWM: {LedgerDataPeakMemory()}");
    }

    private string LedgerDataPeakMemory()
    {
        var pid = platform.Platform.Snapshot(ResourceNames.LedgerData).Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();
        var status = pid is null ? null : $"/proc/{pid}/status";
        return status is not null && File.Exists(status)
            ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
    }

    private static async Task<HoldingsScanned> ScanAsync(LedgerFeed feed, TokenizerErc20Contract token, IEnumerable<Address> owners, long scanId, ulong block)
    {
        var entries = new List<HoldingEntry>();
        foreach (var owner in owners)
        {
            var balance = await token.BalanceOfAsync(owner, BlockTag.Number(block));
            if (!balance.IsZero)
            {
                entries.Add(new HoldingEntry(LedgerChain.HoldingCid(token.Address, owner), owner.ToString(), balance.ToString(CultureInfo.InvariantCulture), null, false));
            }
        }
        return new HoldingsScanned(scanId, DateTimeOffset.UtcNow, (long)block, token.Address.ToString(), "ERC20", 18, entries, feed.Factory);
    }

    // The API's decimal form computed independently of LedgerData: whole part, then the fraction without trailing zeros.
    private static string Units(BigInteger baseUnits)
    {
        var whole = BigInteger.DivRem(baseUnits, Unit, out var fraction);
        var digits = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
        return $"{whole}.{(digits.Length == 0 ? "0" : digits)}";
    }
}
