using System.Text.Json;
using StackExchange.Redis;
using Tokenizer.Chain.Primitives;
using Tokenizer.Monitor.Indexing;

namespace Tokenizer.Monitor.Status;

/// <summary>
/// The status snapshot in Redis, one key per factory: written by the leader after each cycle, read by every
/// instance for GET /status, so /status never asks the chain and answers even while the chain is down.
/// </summary>
public sealed class StatusStore(IConnectionMultiplexer redis)
{
    public static string Key(Address factory) => "tokenizer:monitor:status:" + ChainIndexer.FactoryKey(factory);

    public async Task WriteAsync(Address factory, StatusDocument document) =>
        await redis.GetDatabase().StringSetAsync(Key(factory), JsonSerializer.Serialize(document, StatusDocument.Json));

    public async Task<StatusDocument?> ReadAsync(Address factory)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(factory));
        return value.HasValue ? JsonSerializer.Deserialize<StatusDocument>(value.ToString(), StatusDocument.Json) : null;
    }
}
