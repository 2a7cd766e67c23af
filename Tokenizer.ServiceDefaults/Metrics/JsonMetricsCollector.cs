using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tokenizer.ServiceDefaults.Metrics;

/// <summary>
/// Aggregates the process's own metrics in memory for the JSON <c>/metrics</c> endpoint (the operator API asks
/// for JSON, not the Prometheus text format). OpenTelemetry still exports the same instruments over OTLP.
/// </summary>
public sealed class JsonMetricsCollector : IDisposable
{
    private static readonly string[] MeterPrefixes =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http", "System.Runtime", "MassTransit", "Npgsql", TokenizerTelemetry.MeterPrefix,
    ];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Aggregate> _aggregates = new();

    /// <summary>Starts listening to the platform's meters.</summary>
    public JsonMetricsCollector()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (MeterPrefixes.Any(prefix => instrument.Meter.Name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<float>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<short>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<byte>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<decimal>((i, v, _, _) => Record(i, (double)v));
        _listener.Start();
    }

    /// <summary>A point-in-time view: process figures plus one entry per instrument, summed across tags.</summary>
    public object Snapshot(string service)
    {
        _listener.RecordObservableInstruments();
        var process = Process.GetCurrentProcess();
        var metrics = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (instrument, aggregate) in _aggregates)
        {
            metrics[instrument.Name] = aggregate.ToJson(instrument);
        }
        return new
        {
            service,
            timestamp = DateTimeOffset.UtcNow,
            process = new
            {
                uptime_seconds = Math.Round((DateTime.Now - process.StartTime).TotalSeconds, 1),
                working_set_bytes = process.WorkingSet64,
                gc_heap_bytes = GC.GetTotalMemory(false),
                thread_count = process.Threads.Count,
            },
            metrics,
        };
    }

    private void Record(Instrument instrument, double value) =>
        _aggregates.GetOrAdd(instrument, static i => new Aggregate(i)).Add(value);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private sealed class Aggregate(Instrument instrument)
    {
        private readonly bool _isObservable = instrument.IsObservable;
        private readonly bool _isHistogram = instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);
        private readonly Lock _gate = new();
        private long _count;
        private double _sum, _min = double.MaxValue, _max = double.MinValue, _last;
        private long _observedRound;
        private double _observedSum;

        public void Add(double value)
        {
            lock (_gate)
            {
                if (_isObservable)
                {
                    // Observable instruments report their current value(s) on each collection: keep the latest round.
                    var round = Stopwatch.GetTimestamp() / Stopwatch.Frequency;
                    if (round != _observedRound)
                    { _observedRound = round; _observedSum = 0; }
                    _observedSum += value;
                    _last = _observedSum;
                    return;
                }
                _count++;
                _sum += value;
                _last = value;
                if (value < _min)
                {
                    _min = value;
                }

                if (value > _max)
                {
                    _max = value;
                }
            }
        }

        public object ToJson(Instrument i)
        {
            lock (_gate)
            {
                if (_isObservable)
                {
                    return new { type = "gauge", unit = i.Unit, value = _last };
                }
                if (_isHistogram)
                {
                    return new { type = "histogram", unit = i.Unit, count = _count, sum = _sum, min = _count > 0 ? _min : 0, max = _count > 0 ? _max : 0, mean = _count > 0 ? _sum / _count : 0 };
                }
                return new { type = "counter", unit = i.Unit, value = _sum };
            }
        }
    }
}
