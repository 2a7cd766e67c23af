using Tokenizer.LedgerData.Ingest;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>
/// LedgerData's in-process order of a feed's batches (two in flight): the next batch waits for its predecessor, and
/// never longer than <see cref="FeedTurns.MaxWait"/>; nothing else waits. The database's rules are covered by
/// <see cref="LedgerFeedOrderTests"/> through the platform.
/// </summary>
public sealed class FeedTurnsTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task The_next_batch_waits_until_its_predecessor_is_stored_and_then_goes_at_once()
    {
        var turns = new FeedTurns(TimeProvider.System);
        await turns.WaitAsync("f", 1, CancellationToken.None); // nothing known of the feed: the database decides
        var second = turns.WaitAsync("f", 2, CancellationToken.None);
        await Task.Delay(Soon);
        second.IsCompleted.Should().BeFalse("batch 1 is still being written");

        turns.Done("f", position: 1, held: false);
        await second.WaitAsync(TimeSpan.FromSeconds(1));

        // Known position 1, batch 2 writing: batch 3 waits for it; a redelivery of 1 and another feed do not wait.
        var third = turns.WaitAsync("f", 3, CancellationToken.None);
        await turns.WaitAsync("f", 1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
        turns.Done("f", position: 2, held: false);
        await turns.WaitAsync("other", 7, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
        await third.WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_batch_beyond_a_gap_waits_at_most_the_maximum_and_later_ones_at_that_gap_not_at_all()
    {
        var turns = new FeedTurns(TimeProvider.System);
        await turns.WaitAsync("f", 1, CancellationToken.None);
        turns.Done("f", position: 1, held: false);

        // Batch 2 never comes (lost, or refused as bad): batch 3 goes to the database after the maximum wait.
        var started = DateTime.UtcNow;
        var third = turns.WaitAsync("f", 3, CancellationToken.None);
        await Task.Delay(Soon);
        third.IsCompleted.Should().BeFalse();
        await third.WaitAsync(FeedTurns.MaxWait * 2);
        (DateTime.UtcNow - started).Should().BeGreaterThanOrEqualTo(FeedTurns.MaxWait - TimeSpan.FromMilliseconds(50));

        // The database held it at position 1: batch 4 has nothing to wait for.
        turns.Done("f", position: 1, held: true);
        await turns.WaitAsync("f", 4, CancellationToken.None).WaitAsync(Soon);
        turns.Done("f", position: 1, held: true);

        // Batch 2 arrives at last and moves the feed: the gap is no longer a reason to go early.
        await turns.WaitAsync("f", 2, CancellationToken.None).WaitAsync(Soon);
        turns.Done("f", position: 4, held: false);
        var sixth = turns.WaitAsync("f", 6, CancellationToken.None);
        await Task.Delay(Soon);
        sixth.IsCompleted.Should().BeFalse("batch 5 may still be on its way");
    }

    [Fact]
    public async Task A_failed_write_lets_the_waiting_batch_go_once_the_maximum_has_passed_and_a_cancelled_wait_ends_at_once()
    {
        var turns = new FeedTurns(TimeProvider.System);
        await turns.WaitAsync("f", 1, CancellationToken.None);
        turns.Done("f", position: 1, held: false);
        await turns.WaitAsync("f", 2, CancellationToken.None);
        var third = turns.WaitAsync("f", 3, CancellationToken.None);
        turns.Done("f", position: null, held: false); // batch 2 failed: the position is unknown to have moved
        await Task.Delay(Soon);
        third.IsCompleted.Should().BeFalse("batch 2 is retried; its successor waits for it");
        await third.WaitAsync(FeedTurns.MaxWait * 2);

        using var cancel = new CancellationTokenSource();
        var waiting = turns.WaitAsync("f", 9, cancel.Token);
        await cancel.CancelAsync();
        var wait = () => waiting;
        await wait.Should().ThrowAsync<OperationCanceledException>();
    }
}
