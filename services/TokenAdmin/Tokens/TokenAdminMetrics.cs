using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tokenizer.ServiceDefaults;

namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>TokenAdmin's own instruments (meter <c>Tokenizer.TokenAdmin</c>), exported over OTLP with the rest.</summary>
public sealed class TokenAdminMetrics
{
    public const string MeterName = TokenizerTelemetry.MeterPrefix + "TokenAdmin";

    private readonly Counter<long> _deploys;
    private readonly Counter<long> _mints;
    private readonly Counter<long> _controls;
    private readonly Counter<long> _quotaRefusals;
    private readonly Counter<long> _chainErrors;
    private readonly Histogram<double> _sendLatency;
    private readonly Histogram<double> _writeStages;

    public TokenAdminMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _deploys = meter.CreateCounter<long>("tokenizer.tokenadmin.deploys", description: "Tokens deployed through the factory");
        _mints = meter.CreateCounter<long>("tokenizer.tokenadmin.mints", description: "Self-service mints that succeeded");
        _controls = meter.CreateCounter<long>("tokenizer.tokenadmin.controls", description: "Token control and metadata changes that succeeded");
        _quotaRefusals = meter.CreateCounter<long>("tokenizer.tokenadmin.quota_refusals", description: "Requests refused with QUOTA_EXCEEDED");
        _chainErrors = meter.CreateCounter<long>("tokenizer.tokenadmin.chain_errors", description: "Requests answered CHAIN_ERROR");
        _sendLatency = meter.CreateHistogram<double>("tokenizer.tokenadmin.send_latency", unit: "ms",
            description: "From signing a transaction to its successful receipt");
        _writeStages = meter.CreateHistogram<double>("tokenizer.tokenadmin.write_stage_duration", unit: "ms",
            description: "Where a chain write's time goes, by operation and stage: preflight (eth_estimateGas), reserve (quota unit, record and "
                         + "outbox row: one commit), send (nonce queue, signed bytes stored, broadcast), receipt (until mined), complete (outcome recorded)");
    }

    public void Deployed(string kind) => _deploys.Add(1, new KeyValuePair<string, object?>("kind", kind));
    public void Minted(string kind) => _mints.Add(1, new KeyValuePair<string, object?>("kind", kind));
    public void ControlChanged(string control) => _controls.Add(1, new KeyValuePair<string, object?>("control", control));
    public void QuotaRefused() => _quotaRefusals.Add(1);
    public void ChainError() => _chainErrors.Add(1);
    /// <summary>Records the stage that began at <paramref name="startTimestamp"/> and returns now, where the next stage begins.</summary>
    public long WriteStage(string operation, string stage, long startTimestamp)
    {
        var now = Stopwatch.GetTimestamp();
        _writeStages.Record(Stopwatch.GetElapsedTime(startTimestamp, now).TotalMilliseconds,
            new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("stage", stage));
        return now;
    }

    public void SendCompleted(string operation, long startTimestamp) =>
        _sendLatency.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("operation", operation));
}
