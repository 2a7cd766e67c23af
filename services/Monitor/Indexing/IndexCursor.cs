namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// How far one factory's chain is indexed (<c>monitor_cursors</c>). <see cref="FactoryId"/> keys the factory's rows of
/// <c>monitor_events</c>.
/// </summary>
public sealed record IndexCursor(
    int FactoryId, long ChainId, long StartBlock, long IndexedBlock, long PublishedBlock, long NextSequence, long LastScanId, long ReorgsTotal);

/// <summary>A token the factory deployed; addresses EIP-55.</summary>
public sealed record IndexedToken(string Address, string Kind, int Decimals, bool Permissionless, long DeployBlock);

/// <summary>A block hash as stored or as the chain gives it.</summary>
public sealed record StoredBlock(long Number, string Hash, DateTimeOffset? Time);
