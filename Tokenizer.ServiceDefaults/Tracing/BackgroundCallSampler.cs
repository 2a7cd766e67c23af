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
/// </summary>
public sealed class BackgroundCallSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);

    /// <summary>Drops a root span of kind <see cref="ActivityKind.Client"/>; records every other root.</summary>
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? Drop : Sample;
}
