using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokenizer.Chain.Primitives;
using Tokenizer.Monitor.Indexing;

namespace Tokenizer.Monitor.Status;

/// <summary>
/// The status snapshot in Redis, one key per factory: written by the leader after each cycle, read by every
/// instance for GET /status, so /status never asks the chain and answers even while the chain is down.
/// </summary>
/// <remarks>
/// GET /status serves the snapshot from memory, read again from Redis once it is older than
/// <see cref="MonitorOptions.StatusCacheDuration"/> (by one request; requests arriving meanwhile wait for that read), and replaced
/// at once when this instance writes a new one. Under load that is one Redis read and one serialization per
/// snapshot instead of per request; a standby's answer is at most that duration behind the leader's latest write.
/// </remarks>
public sealed class StatusStore(IConnectionMultiplexer redis, IOptions<MonitorOptions> options, TimeProvider clock)
{
    private readonly TimeSpan _cacheDuration = options.Value.StatusCacheDuration;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Cached? _cached;

    public static string Key(Address factory) => "tokenizer:monitor:status:" + ChainIndexer.FactoryKey(factory);

    public async Task WriteAsync(Address factory, StatusDocument document)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(document, StatusDocument.Json);
        await redis.GetDatabase().StringSetAsync(Key(factory), json);
        _cached = new Cached(factory, json, StatusResponse.From(document), clock.GetTimestamp());
    }

    public async Task<StatusDocument?> ReadAsync(Address factory)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(factory));
        return value.HasValue ? JsonSerializer.Deserialize<StatusDocument>((byte[])value!, StatusDocument.Json) : null;
    }

    /// <summary>The stored snapshot as /status serves it; null when no leader has written one yet.</summary>
    /// <exception cref="RedisException">Redis cannot be read and the snapshot in memory is too old to serve.</exception>
    public async ValueTask<StatusResponse?> ReadResponseAsync(Address factory)
    {
        if (Fresh(factory) is { } fresh)
        {
            return fresh.Response;
        }
        await _refresh.WaitAsync();
        try
        {
            if (Fresh(factory) is { } refreshed)
            {
                return refreshed.Response; // another request read it meanwhile
            }
            var value = await redis.GetDatabase().StringGetAsync(Key(factory));
            var json = value.HasValue ? (byte[]?)value : null;
            var last = _cached;
            var response = json is null ? null
                : last is not null && last.Factory == factory && last.Json is not null && last.Json.AsSpan().SequenceEqual(json) ? last.Response
                : StatusResponse.From(JsonSerializer.Deserialize<StatusDocument>(json, StatusDocument.Json)!);
            _cached = new Cached(factory, json, response, clock.GetTimestamp());
            return response;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private Cached? Fresh(Address factory) =>
        _cached is { } cached && cached.Factory == factory && clock.GetElapsedTime(cached.ReadAt) < _cacheDuration ? cached : null;

    private sealed record Cached(Address Factory, byte[]? Json, StatusResponse? Response, long ReadAt);
}
