using System.Diagnostics.Metrics;
using Tokenizer.ServiceDefaults;

namespace Tokenizer.TokenAdmin.Commands;

/// <summary>
/// Operator command figures as OpenTelemetry instruments (meter <c>Tokenizer.TokenAdmin.Commands</c>): the Aspire
/// dashboard charts them over OTLP and /metrics shows the same instruments as JSON.
/// </summary>
public sealed class CommandMetrics : IDisposable
{
    public const string MeterName = TokenizerTelemetry.MeterPrefix + "TokenAdmin.Commands";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _confirmed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _feeBumps;
    private readonly Counter<long> _rebroadcasts;
    private readonly Counter<long> _gapRepairs;
    private long _inFlight;
    private double _oldestPendingSeconds;

    public CommandMetrics()
    {
        _accepted = _meter.CreateCounter<long>("tokenadmin.commands.accepted", "{command}", "Operator commands accepted (first request of each command_id)");
        _sent = _meter.CreateCounter<long>("tokenadmin.commands.sent", "{command}", "Operator commands whose transaction was signed and broadcast");
        _confirmed = _meter.CreateCounter<long>("tokenadmin.commands.confirmed", "{command}", "Operator commands confirmed on chain");
        _failed = _meter.CreateCounter<long>("tokenadmin.commands.failed", "{command}", "Operator commands that failed (revert or refused)");
        _feeBumps = _meter.CreateCounter<long>("tokenadmin.commands.fee_bumps", "{transaction}", "Stuck transactions replaced with a higher fee");
        _rebroadcasts = _meter.CreateCounter<long>("tokenadmin.commands.rebroadcasts", "{transaction}", "Stored bytes resent for a transaction not mined in time");
        _gapRepairs = _meter.CreateCounter<long>("tokenadmin.nonces.gap_repairs", "{transaction}",
            "Nonces below a sent one that the node lacked: stored bytes resent (action=resent) or a zero-value transfer signed (action=filled)");
        _meter.CreateObservableGauge("tokenadmin.commands.in_flight", () => Interlocked.Read(ref _inFlight), "{command}", "Commands submitted or sent, not yet confirmed or failed");
        _meter.CreateObservableGauge("tokenadmin.commands.oldest_pending_age", () => Volatile.Read(ref _oldestPendingSeconds), "s", "Age of the oldest command not yet confirmed or failed");
    }

    public void Accepted(string kind) => _accepted.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Sent(string kind) => _sent.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Confirmed(string kind) => _confirmed.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Failed(string kind) => _failed.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void FeeBumped() => _feeBumps.Add(1);

    public void Rebroadcast() => _rebroadcasts.Add(1);

    public void NonceGapRepaired(int resent, int filled)
    {
        if (resent > 0)
        {
            _gapRepairs.Add(resent, new KeyValuePair<string, object?>("action", "resent"));
        }
        if (filled > 0)
        {
            _gapRepairs.Add(filled, new KeyValuePair<string, object?>("action", "filled"));
        }
    }

    /// <summary>Set by the tracker from the database each round, so every replica reports the shared figure.</summary>
    public void SetBacklog(long inFlight, TimeSpan oldestPending)
    {
        Interlocked.Exchange(ref _inFlight, inFlight);
        Volatile.Write(ref _oldestPendingSeconds, Math.Round(oldestPending.TotalSeconds, 3));
    }

    public void Dispose() => _meter.Dispose();
}
