namespace Tokenizer.Monitor;

/// <summary>The Monitor's settings (section <c>Monitor</c>); the factory comes from <c>Chain:FactoryAddress</c>.</summary>
public sealed class MonitorOptions
{
    public const string SectionName = "Monitor";

    /// <summary>Scans and /status figures on or off. Indexing and the history feed run either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>One index + publish + scan cycle per interval. 1 s: anvil mines a block every second locally.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times the leader looks at the chain's head (one header read) while it waits out an interval. A new or
    /// replaced head starts the next cycle at once, so a new block or a reorg is acted on within a fraction of an
    /// interval instead of up to a whole one later. 0: no looks, one cycle per interval.
    /// </summary>
    public int HeadChecksPerInterval { get; set; } = 4;

    /// <summary>
    /// Blocks on top of an event's block before it is final. 2 suits anvil (no natural reorgs; a block a second),
    /// so history lags the chain by about two seconds. Public chains need far more (or the node's finalized tag).
    /// </summary>
    public int ConfirmationDepth { get; set; } = 2;

    /// <summary>Largest eth_getLogs range; halved when the node refuses a range and grown back after successes.</summary>
    public int MaxBlocksPerBatch { get; set; } = 2_000;

    /// <summary>Where indexing starts on an empty database; null: the factory's deploy block, found by binary search.</summary>
    public long? StartBlock { get; set; }

    /// <summary>History batches waiting in the outbox before publication pauses (back-pressure: none is dropped).</summary>
    public int HistoryQueueMax { get; set; } = 1_024;

    /// <summary>
    /// How long GET /status serves the snapshot it last read from Redis before reading it again (this instance's own
    /// writes replace it at once). A quarter of the default poll interval: a standby's answer trails the leader's
    /// newest snapshot by no more than that, and a burst of requests costs one Redis read, not one each.
    /// </summary>
    public TimeSpan StatusCacheDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Holdings snapshots waiting in the outbox before a scan's snapshot is dropped (the next one supersedes it).</summary>
    public int HoldingsQueueMax { get; set; } = 1_024;
}
