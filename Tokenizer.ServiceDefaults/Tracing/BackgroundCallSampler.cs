using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tokenizer.ServiceDefaults.Tracing;

/// <summary>
/// The root sampler of every service (under <see cref="ParentBasedSampler"/>, so a span with a parent follows it):
/// a trace that would begin with an outgoing call — HTTP, SQL, Redis — made outside any request, message or job of
/// ours is not recorded. Those are the pollers' calls (the Monitor asks the chain every second, each outbox asks its
/// table, the status snapshot goes to Redis): thousands of one-span traces an hour that would bury every request's
/// trace in the dashboard. Requests (server), messages (consumer, producer) and our own operations (internal) start
/// traces as before, and the calls they make are recorded inside them.
/// <para>
/// Every other root is then kept or dropped by <paramref name="roots"/> (all of them when it is null): with a
/// <see cref="TraceIdRatioBasedSampler"/> there, a busy platform records one trace in N, decided once at the trace's
/// root (the gateway for a request) and followed by every service downstream through the parent's sampled flag.
/// </para>
/// </summary>
public sealed class BackgroundCallSampler(Sampler? roots = null) : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);

    /// <summary>Drops a root span of kind <see cref="ActivityKind.Client"/>; asks <c>roots</c> about every other root.</summary>
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? Drop : roots?.ShouldSample(samplingParameters) ?? Sample;

    /// <summary>
    /// The root sampler for <c>Telemetry:TraceSampleRatio</c>: 1 (the default) records every trace, 0.1 one in ten,
    /// 0 none. Anything else outside [0, 1] stops the service at start rather than tracing in a way nobody asked for.
    /// </summary>
    public static BackgroundCallSampler ForRatio(double? ratio) => ratio switch
    {
        null or 1 => new BackgroundCallSampler(),
        >= 0 and < 1 => new BackgroundCallSampler(new TraceIdRatioBasedSampler(ratio.Value)),
        _ => throw new InvalidOperationException($"Telemetry:TraceSampleRatio must be between 0 and 1 (1 records every trace); it is {ratio}."),
    };
}
