namespace Tokenizer.LedgerData.Ingest;

/// <summary>
/// The in-process order of each feed's batches while more than one is in flight. A batch is validated and built while
/// its predecessor is written; then, if this process knows the feed is one batch short of it, it waits (at most
/// <see cref="MaxWait"/>) until that predecessor is stored, rather than reaching the database first and being held.
/// <para>
/// Only an optimisation: the database's rules (the feed row's lock, the stored position, the hold path) decide what is
/// applied, so a wait that ends early, a replica writing the same feed, or a restart changes the speed, never the result.
/// No wait when the process knows nothing of the feed yet (it asks the database), when the batch is at or below the
/// known position (a redelivery), or when a batch was already held at this position (a real gap: waiting buys nothing).
/// </para>
/// </summary>
public sealed class FeedTurns(TimeProvider time)
{
    /// <summary>How long a batch waits for its predecessor before the database decides (a held batch, a replay asked for).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);

    /// <summary>Returns when <paramref name="sequence"/> may be written; every return must be followed by one <see cref="Done"/>.</summary>
    public async Task WaitAsync(string feed, long sequence, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            Task changed;
            TimeSpan left;
            lock (_gate)
            {
                var state = Of(feed);
                left = MaxWait - time.GetElapsedTime(started);
                if (state.MayWrite(sequence) || left <= TimeSpan.Zero)
                {
                    state.Writing++;
                    return;
                }
                changed = state.Changed.Task;
            }

            try
            {
                await changed.WaitAsync(left, time, ct);
            }
            catch (TimeoutException)
            {
                // Checked once more under the lock, then written whatever the answer.
            }
        }
    }

    /// <summary>
    /// The batch's write ended: <paramref name="position"/> is the feed's stored position it saw (null when it failed),
    /// <paramref name="held"/> whether it was held beyond a gap.
    /// </summary>
    public void Done(string feed, long? position, bool held)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            var state = Of(feed);
            state.Writing--;
            if (position is { } p)
            {
                state.Position = Math.Max(state.Position ?? p, p);
                state.GapAt = held ? p : state.GapAt;
            }
            changed = state.Changed;
            state.Changed = NewSignal();
        }
        changed.TrySetResult();
    }

    private Feed Of(string feed)
    {
        if (!_feeds.TryGetValue(feed, out var state))
        {
            state = new Feed();
            _feeds.Add(feed, state);
        }
        return state;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Feed
    {
        /// <summary>The stored position this process last saw; null until its first batch of the feed.</summary>
        public long? Position;
        /// <summary>The position at which a batch was last held beyond a gap.</summary>
        public long? GapAt;
        /// <summary>Batches of the feed between their turn and <see cref="Done"/>.</summary>
        public int Writing;
        public TaskCompletionSource Changed = NewSignal();

        public bool MayWrite(long sequence) => Position is not { } position
            ? Writing == 0
            : sequence <= position + 1 || GapAt == position;
    }
}
