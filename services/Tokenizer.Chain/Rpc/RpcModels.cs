using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tokenizer.Chain.Primitives;
using Tokenizer.Chain.Serialization;

namespace Tokenizer.Chain.Rpc;

/// <summary>Block header fields (eth_getBlockByNumber without full transactions).</summary>
public sealed record Block(
    ulong Number,
    Hash32 Hash,
    Hash32 ParentHash,
    ulong Timestamp,
    BigInteger? BaseFeePerGas,
    ulong GasLimit,
    ulong GasUsed,
    Address Miner,
    IReadOnlyList<Hash32> TransactionHashes)
{
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds((long)Timestamp);
}

/// <summary>A log entry as returned by eth_getLogs and in receipts.</summary>
public sealed record LogEntry(
    Address Address,
    IReadOnlyList<Hash32> Topics,
    byte[] Data,
    ulong? BlockNumber,
    Hash32? BlockHash,
    Hash32? TransactionHash,
    ulong? TransactionIndex,
    ulong? LogIndex,
    bool Removed);

/// <summary>A transaction receipt.</summary>
public sealed record TransactionReceipt(
    Hash32 TransactionHash,
    ulong TransactionIndex,
    Hash32 BlockHash,
    ulong BlockNumber,
    Address From,
    Address? To,
    ulong GasUsed,
    ulong CumulativeGasUsed,
    BigInteger EffectiveGasPrice,
    Address? ContractAddress,
    bool Succeeded,
    byte Type,
    IReadOnlyList<LogEntry> Logs);

/// <summary>The fields of eth_getTransactionByHash the platform needs.</summary>
public sealed record TransactionInfo(Hash32 Hash, Address From, ulong Nonce, Address? To, BigInteger Value, ulong? BlockNumber, Hash32? BlockHash);

/// <summary>eth_feeHistory result.</summary>
public sealed record FeeHistory(
    ulong OldestBlock,
    IReadOnlyList<BigInteger> BaseFeePerGas,
    IReadOnlyList<double> GasUsedRatio,
    IReadOnlyList<IReadOnlyList<BigInteger>> Reward);

/// <summary>A call or gas-estimation request (eth_call, eth_estimateGas).</summary>
public sealed record CallRequest
{
    public Address? From { get; init; }
    public Address? To { get; init; }
    public ulong? Gas { get; init; }
    public BigInteger? GasPrice { get; init; }
    public BigInteger? MaxFeePerGas { get; init; }
    public BigInteger? MaxPriorityFeePerGas { get; init; }
    public BigInteger? Value { get; init; }
    public byte[]? Data { get; init; }

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        if (From is { } from)
        {
            o["from"] = from.ToLowerHex();
        }

        if (To is { } to)
        {
            o["to"] = to.ToLowerHex();
        }

        if (Gas is { } gas)
        {
            o["gas"] = Hex.EncodeQuantity(gas);
        }

        if (GasPrice is { } gp)
        {
            o["gasPrice"] = Hex.EncodeQuantity(gp);
        }

        if (MaxFeePerGas is { } mf)
        {
            o["maxFeePerGas"] = Hex.EncodeQuantity(mf);
        }

        if (MaxPriorityFeePerGas is { } mp)
        {
            o["maxPriorityFeePerGas"] = Hex.EncodeQuantity(mp);
        }

        if (Value is { } v)
        {
            o["value"] = Hex.EncodeQuantity(v);
        }

        if (Data is { } d)
        {
            o["input"] = Hex.Encode(d);
        }

        return o;
    }
}

/// <summary>An eth_getLogs filter. Topics: position i matches any of the listed hashes; null or empty matches anything.</summary>
public sealed record LogFilter
{
    public BlockTag FromBlock { get; init; } = BlockTag.Earliest;
    public BlockTag ToBlock { get; init; } = BlockTag.Latest;
    public IReadOnlyList<Address> Addresses { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<Hash32>?> Topics { get; init; } = [];

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["fromBlock"] = FromBlock.ToString(), ["toBlock"] = ToBlock.ToString() };
        if (Addresses.Count == 1)
        {
            o["address"] = Addresses[0].ToLowerHex();
        }
        else if (Addresses.Count > 1)
        {
            o["address"] = new JsonArray(Addresses.Select(a => (JsonNode?)a.ToLowerHex()).ToArray());
        }

        if (Topics.Count > 0)
        {
            var topics = new JsonArray();
            foreach (var position in Topics)
            {
                if (position is null || position.Count == 0)
                {
                    topics.Add(null);
                }
                else if (position.Count == 1)
                {
                    topics.Add(position[0].ToString());
                }
                else
                {
                    topics.Add(new JsonArray(position.Select(t => (JsonNode?)t.ToString()).ToArray()));
                }
            }
            o["topics"] = topics;
        }
        return o;
    }
}

internal static class RpcJson
{
    internal static ulong U64(JsonElement e, string name) => Hex.DecodeQuantityUInt64(Str(e, name));
    internal static ulong? U64OrNull(JsonElement e, string name) => StrOrNull(e, name) is { } s ? Hex.DecodeQuantityUInt64(s) : null;
    internal static BigInteger Big(JsonElement e, string name) => Hex.DecodeQuantity(Str(e, name));
    internal static BigInteger? BigOrNull(JsonElement e, string name) => StrOrNull(e, name) is { } s ? Hex.DecodeQuantity(s) : null;
    internal static Hash32 Hash(JsonElement e, string name) => Hash32.Parse(Str(e, name));
    internal static Hash32? HashOrNull(JsonElement e, string name) => StrOrNull(e, name) is { } s ? Hash32.Parse(s) : null;
    internal static Address Addr(JsonElement e, string name) => Address.Parse(Str(e, name));
    internal static Address? AddrOrNull(JsonElement e, string name) => StrOrNull(e, name) is { } s ? Address.Parse(s) : null;

    internal static string Str(JsonElement e, string name) =>
        StrOrNull(e, name) ?? throw new FormatException($"The node's answer has no '{name}'.");

    internal static string? StrOrNull(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static Block Block(JsonElement e) => new(
        U64(e, "number"), Hash(e, "hash"), Hash(e, "parentHash"), U64(e, "timestamp"), BigOrNull(e, "baseFeePerGas"),
        U64(e, "gasLimit"), U64(e, "gasUsed"), Addr(e, "miner"),
        e.TryGetProperty("transactions", out var txs) && txs.ValueKind == JsonValueKind.Array
            ? txs.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => Hash32.Parse(t.GetString()!)).ToArray()
            : []);

    internal static LogEntry Log(JsonElement e) => new(
        Addr(e, "address"),
        e.GetProperty("topics").EnumerateArray().Select(t => Hash32.Parse(t.GetString()!)).ToArray(),
        Hex.Decode(Str(e, "data")),
        U64OrNull(e, "blockNumber"), HashOrNull(e, "blockHash"), HashOrNull(e, "transactionHash"),
        U64OrNull(e, "transactionIndex"), U64OrNull(e, "logIndex"),
        e.TryGetProperty("removed", out var r) && r.ValueKind == JsonValueKind.True);

    internal static TransactionReceipt Receipt(JsonElement e) => new(
        Hash(e, "transactionHash"), U64(e, "transactionIndex"), Hash(e, "blockHash"), U64(e, "blockNumber"),
        Addr(e, "from"), AddrOrNull(e, "to"), U64(e, "gasUsed"), U64(e, "cumulativeGasUsed"),
        BigOrNull(e, "effectiveGasPrice") ?? BigInteger.Zero, AddrOrNull(e, "contractAddress"),
        StrOrNull(e, "status") is { } status && Hex.DecodeQuantity(status) == 1,
        (byte)(U64OrNull(e, "type") ?? 0),
        e.GetProperty("logs").EnumerateArray().Select(Log).ToArray());

    internal static TransactionInfo Transaction(JsonElement e) => new(
        Hash(e, "hash"), Addr(e, "from"), U64(e, "nonce"), AddrOrNull(e, "to"), Big(e, "value"),
        U64OrNull(e, "blockNumber"), HashOrNull(e, "blockHash"));

    internal static FeeHistory FeeHistory(JsonElement e) => new(
        U64(e, "oldestBlock"),
        e.TryGetProperty("baseFeePerGas", out var b) ? b.EnumerateArray().Select(x => Hex.DecodeQuantity(x.GetString()!)).ToArray() : [],
        e.TryGetProperty("gasUsedRatio", out var g) ? g.EnumerateArray().Select(x => x.GetDouble()).ToArray() : [],
        e.TryGetProperty("reward", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(row => (IReadOnlyList<BigInteger>)row.EnumerateArray().Select(x => Hex.DecodeQuantity(x.GetString()!)).ToArray()).ToArray()
            : []);
}
