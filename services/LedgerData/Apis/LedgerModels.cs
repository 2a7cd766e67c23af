namespace Tokenizer.LedgerData.Apis;

// Response shapes of /data/admin/*, as token-app-api.txt shows them (snake_case through the service's JSON options).

/// <summary>One confirmed mint or burn.</summary>
public sealed record HistoryRecord(string CommandId, DateTime CreatedAt, string PartyId, string InstrumentId, string UpdateId, string Amount);

/// <summary>When the snapshot was taken; null before any scan arrived.</summary>
public sealed record ScanInfo(DateTime? ScannedAt);

/// <summary>One holding of the latest scan.</summary>
public sealed record HoldingRecord(string HoldingCid, string PartyId, string InstrumentId, string Amount, bool Locked);

/// <summary>A holdings page; <see cref="Holdings"/> is streamed from the database as it is written.</summary>
public sealed record HoldingsPage(ScanInfo Scan, long Total, IAsyncEnumerable<HoldingRecord> Holdings);
