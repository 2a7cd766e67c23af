namespace Tokenizer.Messages.Monitor;

/// <summary>
/// Mint and burn events that became final (their block is the configured depth deep), and final events that a
/// reorganisation deeper than that depth took back, in block order. Published by the Monitor's leader.
/// <paramref name="Sequence"/> runs 1, 2, 3, … without gaps: a consumer that sees a gap asks for a replay
/// (<see cref="HistoryReplayRequested"/>) and one that sees an old sequence again ignores it.
/// </summary>
/// <param name="Sequence">This batch's position in the feed.</param>
/// <param name="FromBlock">First block covered.</param>
/// <param name="ToBlock">Last block covered (the confirmed head when published).</param>
/// <param name="Added">Events now final, in (block, log index) order.</param>
/// <param name="Removed">Previously published events no longer on the canonical chain.</param>
/// <param name="PublishedAt">When the batch was committed to the Monitor's outbox (UTC).</param>
/// <param name="Factory">
/// The factory (EIP-55) whose tokens this feed covers: each factory's feed has its own sequence space, so two deployments
/// sharing a broker (or a test publishing its own feed) never collide. Null is the one unnamed feed.
/// </param>
public sealed record HistoryBatchConfirmed(
    long Sequence, long FromBlock, long ToBlock, IReadOnlyList<HistoryEvent> Added, IReadOnlyList<HistoryEventRemoved> Removed, DateTimeOffset PublishedAt,
    string? Factory = null);
