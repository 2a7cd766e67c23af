using System.Diagnostics.Metrics;
using System.Globalization;
using Tokenizer.Monitor.Indexing;

namespace Tokenizer.Monitor.Status;

/// <summary>
/// The /status figures as OpenTelemetry instruments (meter <c>Tokenizer.Monitor</c>): counters of cycles, errors,
/// reorgs and events; gauges of the chain position and lag; per-token gauges tagged by instrument.
/// </summary>
public sealed class MonitorMetrics : IDisposable
{
    public const string MeterName = "Tokenizer.Monitor";
    private readonly Meter _meter;
    private volatile IReadOnlyDictionary<string, TokenStatus> _tokens = new Dictionary<string, TokenStatus>();

    public MonitorMetrics(IMeterFactory meters, MonitorState state)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableCounter("tokenizer.monitor.cycles", () => state.CyclesTotal, description: "Monitor loop cycles run by this instance as leader");
        _meter.CreateObservableCounter("tokenizer.monitor.cycle_errors", () => state.CycleErrorsTotal, description: "Monitor loop cycles that failed");
        _meter.CreateObservableCounter("tokenizer.monitor.reorgs", () => state.ReorgsTotal, description: "Chain reorganisations repaired");
        _meter.CreateObservableCounter("tokenizer.monitor.events_indexed", () => state.EventsIndexedTotal, description: "Token events stored");
        _meter.CreateObservableCounter("tokenizer.monitor.holdings_dropped", () => state.HoldingsDroppedTotal, description: "Holdings snapshots dropped on a full queue");
        _meter.CreateObservableGauge("tokenizer.monitor.head_block", () => state.HeadBlock);
        _meter.CreateObservableGauge("tokenizer.monitor.indexed_block", () => state.IndexedBlock);
        _meter.CreateObservableGauge("tokenizer.monitor.confirmed_block", () => state.ConfirmedBlock);
        _meter.CreateObservableGauge("tokenizer.monitor.lag_blocks", () => Math.Max(0, state.HeadBlock - state.IndexedBlock), unit: "{block}");
        _meter.CreateObservableGauge("tokenizer.monitor.lag_seconds", () => state.LagSeconds, unit: "s");
        _meter.CreateObservableGauge("tokenizer.monitor.leader", () => state.IsLeader ? 1 : 0);
        _meter.CreateObservableGauge("tokenizer.monitor.token.total_supply", () => PerToken(t => t.TotalSupply), description: "Token units in circulation");
        _meter.CreateObservableGauge("tokenizer.monitor.token.locked_supply", () => PerToken(t => t.TotalLockedSupply));
        _meter.CreateObservableGauge("tokenizer.monitor.token.unique_holders", () => PerToken(t => t.UniqueHolders.ToString(CultureInfo.InvariantCulture)));
        _meter.CreateObservableGauge("tokenizer.monitor.token.top_holder_share", () => PerToken(t => t.TopHolderShare));
        _meter.CreateObservableGauge("tokenizer.monitor.token.supply_concentration_hhi", () => PerToken(t => t.SupplyConcentrationHhi));
    }

    /// <summary>The latest scan's figures, observed by the per-token gauges.</summary>
    public void Scanned(IReadOnlyDictionary<string, TokenStatus> tokens) => _tokens = tokens;

    private IEnumerable<Measurement<double>> PerToken(Func<TokenStatus, string?> figure)
    {
        foreach (var (instrument, status) in _tokens)
        {
            if (figure(status) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                yield return new Measurement<double>(value, new KeyValuePair<string, object?>("instrument", instrument));
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
