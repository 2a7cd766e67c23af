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
    string TotalSupply, string TotalLockedSupply, int UniqueHolders, string? TopHolderShare, string? SupplyConcentrationHhi, DateTimeOffset UpdatedAt);

/// <summary>The monitor loop and its feeds.</summary>
public sealed record OperationalStatus(
    DateTimeOffset UpdatedAt, MonitorLoopStatus Monitor, IReadOnlyList<SubscriptionStatus> Subscriptions, ModulesStatus Modules);

/// <summary><c>age_seconds</c> is computed when /status is read, so it grows while the loop fails.</summary>
public sealed record MonitorLoopStatus(
    DateTimeOffset? LastSuccessAt, double? AgeSeconds, double LastScanDurationSeconds, double PollIntervalSeconds, int LastScanHoldings,
    long CyclesTotal, long CycleErrorsTotal, bool MonitoringEnabled, string? LastError);

/// <summary>
/// One outbound feed. <c>on_full</c> says what a full queue does: <c>backpressure</c> (publication pauses, nothing is
/// lost) or <c>drop</c> (the batch is skipped and counted; a later one supersedes it).
/// </summary>
public sealed record SubscriptionStatus(string Name, long QueueDepth, int QueueMaxsize, long DroppedBatchesTotal, string OnFull, bool? Backpressured);

/// <summary>Module-specific figures: the chain indexer and ERC721 token-id counts.</summary>
public sealed record ModulesStatus(ChainModuleStatus? Chain, Erc721ModuleStatus? Erc721);

public sealed record ChainModuleStatus(
    DateTimeOffset UpdatedAt, long ChainId, string Factory, long HeadBlock, long IndexedBlock, long ConfirmedBlock, int ConfirmationDepth,
    long LagBlocks, double LagSeconds, long ReorgsTotal, long EventsIndexedTotal);

public sealed record Erc721ModuleStatus(DateTimeOffset UpdatedAt, long TokenIdsTotal, IReadOnlyDictionary<string, long> TokenIds);
