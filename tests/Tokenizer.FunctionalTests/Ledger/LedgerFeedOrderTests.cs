using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Tokenizer.FunctionalTests.Infrastructure;
using Tokenizer.Messages.Monitor;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>
/// Batches arriving together, as the Monitor's outbox sends them after a backfill, or from several feeds naming the same
/// events: the operator reads each feed applied in order and each event once; a bad batch is refused alone and leaves
/// a gap that is asked for again. The rules any faster ingest (more than one batch in flight, batches combined in one
/// transaction, a cheaper insert) must keep.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LedgerFeedOrderTests(PlatformFixture platform)
{
    private static readonly BigInteger Unit = BigInteger.Pow(10, 18);
    private readonly LedgerReader _ledger = new(platform);

    [Fact]
    public async Task Batches_published_back_to_back_with_a_duplicate_and_a_removal_among_them_are_applied_in_order_once()
    {
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = PlatformChainAccess.RandomAddress().ToString();
        var holder = PlatformChainAccess.RandomAddress().ToString();
        var events = Enumerable.Range(1, 12).Select(i => Mint(token, holder, i)).ToList();
        var batches = events.Select((e, i) => feed.Batch(i + 1, [e])).ToList();
        // Batch 10 removes what batch 9 added (a reorganisation): it only means that after batch 9 is stored.
        batches[9] = batches[9] with { Removed = [new HistoryEventRemoved(events[8].BlockHash, events[8].LogIndex, events[8].TransactionHash)] };
        foreach (var batch in batches.Take(7))
        {
            await feed.PublishAsync(batch);
        }
        await feed.PublishAsync(batches[6]); // a second copy of batch 7, right behind the first
        foreach (var batch in batches.Skip(7))
        {
            await feed.PublishAsync(batch);
        }

        var path = $"/data/admin/mints?instrument_id={token}";
        var expected = events.Where((_, i) => i != 8).Select(e => Amount(e)).Reverse().ToList();
        var mints = await _ledger.WaitForAsync(path, j => j.AsArray().Count == expected.Count && Field(j[0], "amount") == "12.0", "every batch is applied");
        mints.AsArray().Select(r => Field(r, "amount")).Should().Equal(expected, "each mint once, the removed one gone");

        // Nothing arrives later from a batch that was still somewhere in the pipeline.
        await feed.PublishAsync(feed.Batch(13, [Mint(token, holder, 13)]));
        var after = await _ledger.WaitForAsync(path, j => j.AsArray().Count == expected.Count + 1, "the batch after them is applied");
        after.AsArray().Skip(1).Select(r => Field(r, "amount")).Should().Equal(expected);
    }

    [Fact]
    public async Task A_bad_batch_between_good_ones_is_refused_alone_and_the_next_waits_until_it_is_sent_again()
    {
        await using var feed = await LedgerFeed.StartAsync(platform);
        var token = PlatformChainAccess.RandomAddress().ToString();
        var holder = PlatformChainAccess.RandomAddress().ToString();
        var events = Enumerable.Range(1, 3).Select(i => Mint(token, holder, i)).ToList();
        var bad = events[1] with { PartyId = "0x-not-an-address" };
        await feed.PublishAsync(feed.Batch(1, [events[0]]));
        await feed.PublishAsync(feed.Batch(2, [bad]));
        await feed.PublishAsync(feed.Batch(3, [events[2]]));

        var replay = await feed.NextReplayAsync(TimeSpan.FromSeconds(30));
        replay.Should().NotBeNull("the refused batch leaves a gap, which is asked for again");
        replay!.FromSequence.Should().Be(2);
        var path = $"/data/admin/mints?instrument_id={token}";
        (await _ledger.WaitForAsync(path, j => j.AsArray().Count == 1, "batch 1 is applied")).AsArray()
            .Select(r => Field(r, "amount")).Should().Equal(["1.0"], "batch 2 is refused whole and batch 3 waits for it");

        await feed.PublishAsync(feed.Batch(2, [events[1]]));
        var mints = await _ledger.WaitForAsync(path, j => j.AsArray().Count == 3, "the corrected batch 2, then the held 3, are applied");
        mints.AsArray().Select(r => Field(r, "amount")).Should().Equal("3.0", "2.0", "1.0");
    }

    [Fact]
    public async Task An_event_already_stored_from_another_feed_or_twice_in_one_batch_is_one_row_and_the_rest_of_the_batch_is_applied()
    {
        await using var feed = await LedgerFeed.StartAsync(platform);
        await using var other = await LedgerFeed.StartAsync(platform);
        await using var third = await LedgerFeed.StartAsync(platform);
        var token = PlatformChainAccess.RandomAddress().ToString();
        var holder = PlatformChainAccess.RandomAddress().ToString();
        var events = Enumerable.Range(1, 5).Select(i => Mint(token, holder, i)).ToList();
        var path = $"/data/admin/mints?instrument_id={token}";
        // Two deployments watching one chain both publish an event; a third feed's batch names an event twice.
        await other.PublishAsync(other.Batch(1, [events[0]]));
        await _ledger.WaitForAsync(path, j => j.AsArray().Count == 1, "the other feed's batch is applied");
        await feed.PublishAsync(feed.Batch(1, [events[0], events[1]]));
        await third.PublishAsync(third.Batch(1, [events[2], events[2]]));
        await feed.PublishAsync(feed.Batch(2, [events[3]]));

        var mints = await _ledger.WaitForAsync(path, j => j.AsArray().Count == 4, "every event is listed");
        mints.AsArray().Select(r => Field(r, "amount")).Should().Equal("4.0", "3.0", "2.0", "1.0");
        await other.PublishAsync(other.Batch(2, [events[1], events[3]]));
        await other.PublishAsync(other.Batch(3, [events[4]]));
        (await _ledger.WaitForAsync(path, j => j.AsArray().Count >= 5, "the other feed goes on past events the first stored")).AsArray()
            .Select(r => Field(r, "amount")).Should().Equal("5.0", "4.0", "3.0", "2.0", "1.0");
    }

    private static HistoryEvent Mint(string token, string holder, int units) => new(
        "mint", token, "ERC20", 18, holder, LedgerChain.RandomCommand().ToString(), (units * Unit).ToString(CultureInfo.InvariantCulture),
        null, LedgerChain.RandomCommand().ToString(), 3_000_000 + units, LedgerChain.RandomCommand().ToString(), 0,
        DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + units));

    private static string Amount(HistoryEvent e) => $"{BigInteger.Parse(e.Amount, CultureInfo.InvariantCulture) / Unit}.0";

    private static string? Field(JsonNode? row, string name) => row?[name]?.GetValue<string>();
}
