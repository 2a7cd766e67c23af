using System.Threading.Channels;
using Tokenizer.Chain.Rpc;

namespace Tokenizer.Monitor.Indexing;

/// <summary>
/// One range being read while it is stored: the blocks above <see cref="Indexed"/> up to <see cref="To"/>, the tip's
/// header read before the logs, the tokens its factory logs deployed, and the tokens' events, decoded into rows by the
/// read as they come off the node's answer (<see cref="Events"/>, completed with the read's failure if it fails), so
/// that the decode runs beside the store's COPY instead of in front of it. <see cref="Checked"/>
/// completes after the last log with the headers read after them (the tip, the previous tip, the blocks of mints and
/// burns) to check the range against, and the read's times.
/// </summary>
public sealed record RangeLogs(
    long Indexed, long To, Block Tip, IReadOnlyList<IndexedToken> NewTokens,
    ChannelReader<IReadOnlyList<EventRow>> Events, Task<RangeHeaders> Checked);

/// <summary>The headers read after a range's logs, by number, and how long each part of the read took.</summary>
public sealed record RangeHeaders(IReadOnlyDictionary<long, Block?> Headers, ReadTimes Read);

/// <summary>
/// How long each read of a range took: the factory's logs, the tokens' logs (from the request to the answer's last
/// byte, the time it waited for the store to take its rows and the decode included), the headers after them; and
/// the decode's own share of the tokens' logs.
/// </summary>
public readonly record struct ReadTimes(long FactoryMs, long LogsMs, long HeadersMs, long DecodingMs)
{
    /// <summary>The whole read, from the first log request to the last header.</summary>
    public long Total => FactoryMs + LogsMs + HeadersMs;
}
