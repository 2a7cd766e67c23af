using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokenizer.Monitor.Status;

/// <summary>GET /status as token-app-api.txt documents it (snake_case; fields that do not apply are omitted).</summary>
public sealed record StatusDocument(DateTimeOffset UpdatedAt, IReadOnlyDictionary<string, TokenStatus> Tokens, OperationalStatus Operational)
{
    /// <summary>The document's JSON: snake_case names, instrument ids as keys unchanged, nulls omitted.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One token's figures from the latest scan.</summary>
public sealed record TokenStatus(
    string TotalSupply,
    string TotalLockedSupply,
    int UniqueHolders,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TopHolderShare,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SupplyConcentrationHhi,
    DateTimeOffset UpdatedAt);

/// <summary>The monitor loop and its feeds.</summary>
public sealed record OperationalStatus(
    DateTimeOffset UpdatedAt, MonitorLoopStatus Monitor, IReadOnlyList<SubscriptionStatus> Subscriptions, ModulesStatus Modules);

/// <summary><c>age_seconds</c> is computed when /status is read, so it grows while the loop fails.</summary>
public sealed record MonitorLoopStatus(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LastSuccessAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? AgeSeconds,
    double LastScanDurationSeconds,
    double PollIntervalSeconds,
    int LastScanHoldings,
    long CyclesTotal,
    long CycleErrorsTotal,
    bool MonitoringEnabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError);

/// <summary>
/// One outbound feed. <c>on_full</c> says what a full queue does: <c>backpressure</c> (publication pauses, nothing is
/// lost) or <c>drop</c> (the batch is skipped and counted; a later one supersedes it).
/// </summary>
public sealed record SubscriptionStatus(
    string Name, long QueueDepth, int QueueMaxsize, long DroppedBatchesTotal, string OnFull,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Backpressured);

/// <summary>Module-specific figures: the chain indexer and ERC721 token-id counts.</summary>
public sealed record ModulesStatus(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChainModuleStatus? Chain,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Erc721ModuleStatus? Erc721);

public sealed record ChainModuleStatus(
    DateTimeOffset UpdatedAt, long ChainId, string Factory, long HeadBlock, long IndexedBlock, long ConfirmedBlock, int ConfirmationDepth,
    long LagBlocks, double LagSeconds, long ReorgsTotal, long EventsIndexedTotal);

public sealed record Erc721ModuleStatus(DateTimeOffset UpdatedAt, long TokenIdsTotal, IReadOnlyDictionary<string, long> TokenIds);
