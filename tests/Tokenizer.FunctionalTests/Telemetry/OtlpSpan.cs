namespace Tokenizer.FunctionalTests.Telemetry;

/// <summary>
/// One exported span as a service sent it: ids in lowercase hex, attributes as text, times in Unix nanoseconds, and
/// whether the service marked it failed (status code 2 in trace.proto).
/// </summary>
public sealed record OtlpSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, OtlpSpanKind Kind,
    ulong StartUnixNano, ulong EndUnixNano, bool Failed, IReadOnlyDictionary<string, string> Attributes)
{
    public TimeSpan Duration => TimeSpan.FromTicks((long)((EndUnixNano - StartUnixNano) / 100));

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    public override string ToString() =>
        $"{Service} {Kind} '{Name}' ({Scope}) {Duration.TotalMilliseconds:0.0} ms{(Failed ? " FAILED" : "")} {SpanId} ← {(ParentSpanId.Length == 0 ? "-" : ParentSpanId)}";
}
