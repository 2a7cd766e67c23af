using System.Numerics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tokenizer.Chain.Contracts;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>
/// Confirmed history through the gateway, fed as the Monitor feeds it: real mints and burns on the platform's chain,
/// then the batches the Monitor would publish for them, on the real broker.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LedgerHistoryTests(PlatformFixture platform)
{
    private static readonly BigInteger Unit = BigInteger.Pow(10, 18);
    private readonly LedgerReader _ledger = new(platform);

    [Fact]
    public async Task An_operator_mint_and_burn_appear_with_the_operator_command_ids_transaction_block_time_and_amount()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployErc20Async();
        var holder = PlatformChainAccess.RandomAddress();
        var mintId = $"mint-{Guid.NewGuid():N}";
        var burnId = $"burn-{Guid.NewGuid():N}";

        var mint = await chain.MintAsync(chain.Signer, token, CommandIds.ForMintOrBurn(mintId), holder, Unit * 100 + Unit / 2);
        var burn = await chain.BurnAsync(token, CommandIds.ForMintOrBurn(burnId), holder, Unit * 10);
        var minted = (await chain.HistoryEventsAsync(mint)).Should().ContainSingle().Subject;
        var burned = (await chain.HistoryEventsAsync(burn)).Should().ContainSingle().Subject;

        // The mint's CommandSubmitted arrives before its history, the burn's after it: both must end up named.
        await feed.PublishAsync(LedgerFeed.Submitted(mintId, "mint", minted, "100.5"));
        await feed.PublishAsync(feed.Batch(1, [minted, burned]));
        var instrument = token.Address.ToString().ToLowerInvariant();
        var mints = await _ledger.WaitForAsync($"/data/admin/mints?instrument_id={instrument}",
            j => j.AsArray().Count == 1 && Field(j[0], "command_id") == mintId, "the mint is listed with its command id");
        await feed.PublishAsync(LedgerFeed.Submitted(burnId, "burn", burned, "10"));
        var burns = await _ledger.WaitForAsync($"/data/admin/burns?instrument_id={instrument}",
            j => j.AsArray().Count == 1 && Field(j[0], "command_id") == burnId, "the burn is listed with its command id");

        var mintBlock = await chain.Rpc.GetBlockByNumberAsync(mint.Receipt.BlockNumber);
        ShouldBe(mints[0]!, mintId, mintBlock!.Time, holder.ToString(), token.Address.ToString(), mint.Receipt.TransactionHash.ToString(), "100.5");
        var burnBlock = await chain.Rpc.GetBlockByNumberAsync(burn.Receipt.BlockNumber);
        ShouldBe(burns[0]!, burnId, burnBlock!.Time, holder.ToString(), token.Address.ToString(), burn.Receipt.TransactionHash.ToString(), "10.0");
        // What the history says is what the chain holds.
        (await token.BalanceOfAsync(holder)).Should().Be(Unit * 90 + Unit / 2);
    }

    [Fact]
    public async Task A_mint_made_directly_on_the_contract_by_another_minter_appears_with_its_hex_command_id()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployErc20Async();
        await chain.GrantMinterAsync(token, chain.OtherMinter.From);
        var command = LedgerChain.RandomCommand();
        var holder = PlatformChainAccess.RandomAddress();
        var mint = await chain.MintAsync(chain.OtherMinter, token, command, holder, 7 * Unit);
        await feed.PublishAsync(feed.Batch(1, await chain.HistoryEventsAsync(mint)));

        var mints = await _ledger.WaitForAsync($"/data/admin/mints?instrument_id={token.Address}&party_id={holder.ToString().ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)}",
            j => j.AsArray().Count == 1, "the other minter's mint is listed");
        var block = await chain.Rpc.GetBlockByNumberAsync(mint.Receipt.BlockNumber);
        ShouldBe(mints[0]!, command.ToString(), block!.Time, holder.ToString(), token.Address.ToString(), mint.Receipt.TransactionHash.ToString(), "7.0");
    }

    [Fact]
    public async Task A_reorganised_mint_is_removed_and_its_replacement_from_the_canonical_block_arrives()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployErc20Async();
        var holder = PlatformChainAccess.RandomAddress();
        // Events of this feed only: minted on chain, the platform's real Monitor would also list the canonical mint on its
        // own feed, and under load that row arrives before the test has seen its first batch (three rows, not two).
        var (kept, canonical) = (FeedOnlyMint(token, holder, 1), FeedOnlyMint(token, holder, 2));
        // The shared chain is never reorganised: the Monitor first saw this mint in a block that then left the chain.
        var orphaned = canonical with { BlockHash = LedgerChain.RandomCommand().ToString(), BlockNumber = canonical.BlockNumber - 1 };

        await feed.PublishAsync(feed.Batch(1, [kept, orphaned]));
        var path = $"/data/admin/mints?instrument_id={token.Address}";
        await _ledger.WaitForAsync(path, j => j.AsArray().Count == 2, "both mints are listed");
        await feed.PublishAsync(feed.Batch(2, [canonical], [new HistoryEventRemoved(orphaned.BlockHash, orphaned.LogIndex, orphaned.TransactionHash)]));

        var mints = await _ledger.WaitForAsync(path, j => j.AsArray().Count == 2 && Field(j[0], "created_at") == Iso(canonical.BlockTime) && Field(j[0], "amount") == "2.0"
            && j.AsArray().Select(r => Field(r, "update_id")).Distinct().Count() == 2, "the replacement is listed in place of the removed row");
        Field(mints[0], "update_id").Should().Be(canonical.TransactionHash);
        Field(mints[1], "update_id").Should().Be(kept.TransactionHash);
        await using var connection = new Npgsql.NpgsqlConnection(platform.LedgerDataDbConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("select count(*) from history_events where block_hash = @hash", connection);
        count.Parameters.AddWithValue("hash", orphaned.BlockHash);
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(0, "no row from the orphaned block is kept");
    }

    [Fact]
    public async Task Redelivering_every_message_changes_nothing()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployErc20Async();
        var holder = PlatformChainAccess.RandomAddress();
        var commandId = $"mint-{Guid.NewGuid():N}";
        var first = (await chain.HistoryEventsAsync(await chain.MintAsync(chain.Signer, token, CommandIds.ForMintOrBurn(commandId), holder, 3 * Unit))).Single();
        var second = (await chain.HistoryEventsAsync(await chain.MintAsync(chain.Signer, token, LedgerChain.RandomCommand(), holder, 4 * Unit))).Single();
        var batch1 = feed.Batch(1, [first]);
        var batch2 = feed.Batch(2, [second]);
        var submitted = LedgerFeed.Submitted(commandId, "mint", first, "3");
        (Guid, object)[] messages = [(Guid.NewGuid(), submitted), (Guid.NewGuid(), batch1), (Guid.NewGuid(), batch2)];
        foreach (var (id, message) in messages)
        {
            await feed.PublishAsync(message, id);
        }
        var path = $"/data/admin/mints?instrument_id={token.Address}";
        var before = await _ledger.WaitForAsync(path, j => j.AsArray().Count == 2 && Field(j[1], "command_id") == commandId, "both mints are listed");

        // The broker redelivers everything with the same ids, and a replay sends the same batches again with new ids;
        // a conflicting name for the same bytes32 is not believed either.
        foreach (var (id, message) in messages)
        {
            await feed.PublishAsync(message, id);
            await feed.PublishAsync(message);
        }
        await feed.PublishAsync(LedgerFeed.Submitted("someone-else", "mint", first, "3") with { CommandHash = first.CommandHash });
        var sentinel = (await chain.HistoryEventsAsync(await chain.MintAsync(chain.Signer, token, LedgerChain.RandomCommand(), holder, 5 * Unit))).Single();
        await feed.PublishAsync(feed.Batch(3, [sentinel]));

        var after = await _ledger.WaitForAsync(path, j => j.AsArray().Count >= 3, "the batch after the redeliveries is listed");
        after.AsArray().Skip(1).Select(r => r!.ToJsonString()).Should().Equal(before.AsArray().Select(r => r!.ToJsonString()));
        after.AsArray().Should().HaveCount(3);
    }

    [Fact]
    public async Task A_batch_after_a_gap_waits_for_the_missing_one_which_is_asked_for_again()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployErc20Async();
        var holder = PlatformChainAccess.RandomAddress();
        // Events of this feed only: minted on chain, the platform's real Monitor would list them on its own feed
        // before this test's batch 1, and the gap under test would never be seen.
        var events = Enumerable.Range(1, 3).Select(i => new HistoryEvent(
            "mint", token.Address.ToString(), "ERC20", 18, holder.ToString(), LedgerChain.RandomCommand().ToString(), (i * Unit).ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, LedgerChain.RandomCommand().ToString(), 1_000_000 + i, LedgerChain.RandomCommand().ToString(), 0, DateTimeOffset.UtcNow.AddSeconds(i))).ToList();
        var path = $"/data/admin/mints?instrument_id={token.Address}";
        await feed.PublishAsync(feed.Batch(1, [events[0]]));
        await _ledger.WaitForAsync(path, j => j.AsArray().Count == 1, "batch 1 is applied");

        await feed.PublishAsync(feed.Batch(3, [events[2]]));
        var replay = await feed.NextReplayAsync(TimeSpan.FromSeconds(30));
        replay.Should().NotBeNull("a gap is asked for again");
        replay!.FromSequence.Should().Be(2);
        (await _ledger.GetJsonAsync(path)).AsArray().Should().HaveCount(1, "batch 3 waits for batch 2 instead of papering over the gap");

        await feed.PublishAsync(feed.Batch(2, [events[1]]));
        var mints = await _ledger.WaitForAsync(path, j => j.AsArray().Count == 3, "batches 2 and then the held 3 are applied");
        mints.AsArray().Select(r => Field(r, "amount")).Should().Equal("3.0", "2.0", "1.0");
    }

    [Fact]
    public async Task Batches_published_while_LedgerData_is_down_are_all_listed_after_it_restarts()
    {
        var chain = await LedgerChain.ConnectAsync(platform);
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = await chain.DeployErc20Async();
        var holder = PlatformChainAccess.RandomAddress();
        var events = new List<HistoryEvent>();
        for (var i = 1; i <= 3; i++)
        {
            events.Add((await chain.HistoryEventsAsync(await chain.MintAsync(chain.Signer, token, LedgerChain.RandomCommand(), holder, i * Unit))).Single());
        }

        var commands = platform.App.Services.GetRequiredService<Aspire.Hosting.ApplicationModel.ResourceCommandService>();
        (await commands.ExecuteCommandAsync(ResourceNames.LedgerData, Aspire.Hosting.ApplicationModel.KnownResourceCommands.StopCommand)).Success.Should().BeTrue();
        try
        {
            await platform.Platform.WaitForAsync(ResourceNames.LedgerData, s => s.State?.Text is "Exited" or "Finished", TimeSpan.FromSeconds(60));
            for (var i = 0; i < 3; i++)
            {
                await feed.PublishAsync(feed.Batch(i + 1, [events[i]]));
            }
        }
        finally
        {
            (await commands.ExecuteCommandAsync(ResourceNames.LedgerData, Aspire.Hosting.ApplicationModel.KnownResourceCommands.StartCommand)).Success.Should().BeTrue();
            await platform.Platform.WaitForHealthyAsync(ResourceNames.LedgerData, TimeSpan.FromSeconds(120));
        }

        var mints = await _ledger.WaitForAsync($"/data/admin/mints?instrument_id={token.Address}", j => j.AsArray().Count == 3, "every batch is applied after the restart");
        mints.AsArray().Select(r => Field(r, "update_id")).Should().Equal(events.Select(e => e.TransactionHash).Reverse());
    }

    [Fact]
    public async Task An_erc721_mint_of_several_token_ids_is_one_row_with_their_count()
    {
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = PlatformChainAccess.RandomAddress().ToString();
        var holder = PlatformChainAccess.RandomAddress().ToString();
        // Shape as the Monitor publishes an ERC721 Minted event (token ids 5, 6, 7 in one transaction).
        var minted = new HistoryEvent("mint", token.ToLowerInvariant(), "ERC721", 0, holder.ToLowerInvariant(), LedgerChain.RandomCommand().ToString(), "3",
            ["5", "6", "7"], LedgerChain.RandomCommand().ToString(), 42, LedgerChain.RandomCommand().ToString(), 1, DateTimeOffset.UtcNow.AddSeconds(-5));
        await feed.PublishAsync(feed.Batch(1, [minted]));

        var mints = await _ledger.WaitForAsync($"/data/admin/mints?instrument_id={token}", j => j.AsArray().Count == 1, "the ERC721 mint is listed");
        Field(mints[0], "amount").Should().Be("3");
        Field(mints[0], "party_id").Should().Be(holder, "stored and served EIP-55 whatever case the feed used");
        Field(mints[0], "instrument_id").Should().Be(token);
    }

    private static void ShouldBe(JsonNode row, string commandId, DateTimeOffset blockTime, string party, string instrument, string updateId, string amount)
    {
        row.AsObject().Select(p => p.Key).Should().BeEquivalentTo("command_id", "created_at", "party_id", "instrument_id", "update_id", "amount");
        Field(row, "command_id").Should().Be(commandId);
        Field(row, "created_at").Should().Be(Iso(blockTime));
        Field(row, "party_id").Should().Be(party);
        Field(row, "instrument_id").Should().Be(instrument);
        Field(row, "update_id").Should().Be(updateId);
        Field(row, "amount").Should().Be(amount);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Field(JsonNode? row, string name) => row?[name]?.GetValue<string>();

    private static HistoryEvent FeedOnlyMint(TokenizerErc20Contract token, Tokenizer.Chain.Primitives.Address holder, int units) => new(
        "mint", token.Address.ToString(), "ERC20", 18, holder.ToString(), LedgerChain.RandomCommand().ToString(),
        (units * Unit).ToString(System.Globalization.CultureInfo.InvariantCulture), null, LedgerChain.RandomCommand().ToString(),
        2_000_000 + units, LedgerChain.RandomCommand().ToString(), 0,
        DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + units)); // whole seconds, as block times are
}
