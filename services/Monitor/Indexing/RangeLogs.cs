using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// One range read ahead and waiting to be stored: the blocks above <see cref="Indexed"/> up to <see cref="To"/>, the
/// tip's header read before the logs, the tokens its factory logs deployed, the logs of <see cref="Addresses"/>, and
/// the headers read after the logs (the tip, the previous tip, the blocks of mints and burns) to check them against.
/// </summary>
public sealed record RangeLogs(
    long Indexed, long To, Block Tip, IReadOnlyList<IndexedToken> NewTokens, IReadOnlySet<Address> Addresses, IReadOnlyList<LogEntry> Logs,
    IReadOnlyDictionary<long, Block?> Headers, long ReadMs);
