using Microsoft.Extensions.Options;
using Npgsql;
using Tokenizer.Chain.Primitives;
using Tokenizer.Messages.Monitor;
using Tokenizer.Monitor.Indexing;
using Tokenizer.Monitor.Scanning;

namespace Tokenizer.Monitor.Status;

/// <summary>
/// Builds the status snapshot from the leader's state and its latest scan and writes it to Redis. A failed cycle
/// rewrites only the operational section (errors counted, last success unchanged) over the last good tokens.
/// </summary>
public sealed class StatusSnapshotWriter(StatusStore store, MonitorState state, MonitorMetrics metrics, IOptions<MonitorOptions> options)
{
    private readonly MonitorOptions _options = options.Value;
    private StatusDocument? _last;
    private (long History, long Holdings) _depths;

    /// <summary>A new leader continues the last snapshot: its tokens stand, and its counters go on from there.</summary>
    public async Task ResumeAsync(Address factory)
    {
        _last = await store.ReadAsync(factory);
        if (_last?.Operational.Monitor is { } monitor)
        {
            state.Resume(monitor.CyclesTotal, monitor.CycleErrorsTotal,
                _last.Operational.Subscriptions.FirstOrDefault(s => s.Name == Feeds.Holdings)?.DroppedBatchesTotal ?? 0);
        }
    }

    public async Task WriteAsync(NpgsqlConnection? connection, Address factory, ScanResult? scan, DateTimeOffset now, CancellationToken ct)
    {
        if (connection is not null)
        {
            _depths = (
                await IndexStore.PendingOutboxAsync(connection, typeof(HistoryBatchConfirmed).FullName!, factory.ToString(), ct),
                await IndexStore.PendingOutboxAsync(connection, typeof(HoldingsScanned).FullName!, factory.ToString(), ct));
        }
        var tokens = !_options.Enabled ? new Dictionary<string, TokenStatus>() : scan?.Tokens ?? _last?.Tokens ?? new Dictionary<string, TokenStatus>();
        var erc721 = scan is null
            ? _last?.Operational.Modules.Erc721
            : new Erc721ModuleStatus(now, scan.Erc721TokenIds.Values.Sum(), scan.Erc721TokenIds);
        var document = new StatusDocument(scan is null ? _last?.UpdatedAt ?? now : now, tokens, Operational(factory, now, erc721));
        await store.WriteAsync(factory, document);
        if (scan is not null)
        {
            metrics.Scanned(tokens);
        }
        _last = document;
    }

    /// <summary>What /status shows before any leader wrote a snapshot: this instance's own view, no tokens yet.</summary>
    public StatusDocument Empty(Address factory, DateTimeOffset now) => new(now, new Dictionary<string, TokenStatus>(), Operational(factory, now, null));

    private OperationalStatus Operational(Address factory, DateTimeOffset now, Erc721ModuleStatus? erc721)
    {
        var chain = state.IndexedBlock < 0 ? _last?.Operational.Modules.Chain : new ChainModuleStatus(
            now, state.ChainId, factory.ToString(), state.HeadBlock, state.IndexedBlock, state.ConfirmedBlock, _options.ConfirmationDepth,
            Math.Max(0, state.HeadBlock - state.IndexedBlock), Math.Round(state.LagSeconds, 3), state.ReorgsTotal, state.EventsIndexedTotal);
        return new OperationalStatus(
            now,
            new MonitorLoopStatus(
                state.LastSuccessAt, null, Math.Round(state.LastScanDurationSeconds, 4), _options.PollInterval.TotalSeconds, state.LastScanHoldings,
                state.CyclesTotal, state.CycleErrorsTotal, _options.Enabled, state.LastError),
            [
                new SubscriptionStatus(Feeds.History, _depths.History, _options.HistoryQueueMax, 0, "backpressure", state.HistoryBackpressured),
                new SubscriptionStatus(Feeds.Holdings, _depths.Holdings, _options.HoldingsQueueMax, state.HoldingsDroppedTotal, "drop", null),
            ],
            new ModulesStatus(chain, erc721));
    }
}

/// <summary>Names of the monitor's outbound feeds in /status.</summary>
public static class Feeds
{
    public const string History = "history-confirmed";
    public const string Holdings = "holdings-scanned";
}
