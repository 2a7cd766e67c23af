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
    IReadOnlyDictionary<long, Block?> Headers, ReadTimes Read);

/// <summary>How long each read of a range took: the factory's logs, the tokens' logs (fetch and parse), the headers after them.</summary>
public readonly record struct ReadTimes(long FactoryMs, long LogsMs, long HeadersMs)
{
    /// <summary>The whole read, from the first log request to the last header.</summary>
    public long Total => FactoryMs + LogsMs + HeadersMs;
}
