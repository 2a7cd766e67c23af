using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tokenizer.ServiceDefaults.Tracing;

namespace Tokenizer.FunctionalTests.Platform;

/// <summary>The services' sampler: pollers' lone calls start no trace; requests, messages and their calls do.</summary>
public sealed class TraceSamplingTests
{
    [Fact]
    public void A_call_outside_any_operation_is_not_traced_and_the_calls_of_a_request_or_message_are()
    {
        using var source = new ActivitySource("tokenizer.tests.sampling." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new ParentBasedSampler(new BackgroundCallSampler()))
            .AddSource(source.Name)
            .Build();

        using (var poll = source.StartActivity("eth_blockNumber", ActivityKind.Client))
        {
            // Another listener in the process may still ask for the activity, but nothing records or exports it.
            (poll?.Recorded ?? false).Should().BeFalse("a poller's call on its own would be a one-span trace");
        }

        foreach (var kind in new[] { ActivityKind.Server, ActivityKind.Consumer, ActivityKind.Producer, ActivityKind.Internal })
        {
            using var operation = source.StartActivity("operation", kind);
            operation.Should().NotBeNull();
            operation!.Recorded.Should().BeTrue($"a {kind} span starts a trace");
            using var call = source.StartActivity("select", ActivityKind.Client);
            call.Should().NotBeNull();
            call!.Recorded.Should().BeTrue("a call inside an operation belongs to its trace");
            call.TraceId.Should().Be(operation.TraceId);
        }

        // A call continuing a trace from elsewhere (traceparent of a sampled request) is recorded in it.
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var continued = source.StartActivity("publish", ActivityKind.Client, remote);
        continued.Should().NotBeNull();
        continued!.TraceId.Should().Be(remote.TraceId);
    }

    [Fact]
    public void A_sample_ratio_keeps_that_share_of_traces_decided_at_the_root_and_followed_downstream()
    {
        using var source = new ActivitySource("tokenizer.tests.ratio." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new ParentBasedSampler(BackgroundCallSampler.ForRatio(0.25)))
            .AddSource(source.Name)
            .Build();

        var kept = 0;
        const int roots = 4000;
        for (var i = 0; i < roots; i++)
        {
            using var request = source.StartActivity("request", ActivityKind.Server);
            var recorded = request?.Recorded ?? false;
            if (recorded)
            {
                kept++;
            }

            // Every call under a root follows the root's decision, kept or not.
            using var call = source.StartActivity("select", ActivityKind.Client);
            (call?.Recorded ?? false).Should().Be(recorded);
        }

        // Trace ids are random: 1,000 expected, and 4 standard deviations (±110) is a bound a fair sampler stays in.
        kept.Should().BeInRange(890, 1110);

        // A lone client call still starts nothing, whatever the ratio.
        using (var poll = source.StartActivity("eth_blockNumber", ActivityKind.Client))
        {
            (poll?.Recorded ?? false).Should().BeFalse();
        }

        // A service downstream follows the sampled flag it is handed, not its own ratio.
        var sampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var dropped = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        for (var i = 0; i < 50; i++)
        {
            using (var consume = source.StartActivity("consume", ActivityKind.Consumer, sampled))
            {
                consume!.Recorded.Should().BeTrue();
            }

            using (var consume = source.StartActivity("consume", ActivityKind.Consumer, dropped))
            {
                (consume?.Recorded ?? false).Should().BeFalse();
            }
        }
    }

    [Theory]
    [InlineData(null, 200)]
    [InlineData(1.0, 200)]
    [InlineData(0.0, 0)]
    public void The_ends_of_the_ratio_record_every_trace_or_none(double? ratio, int expected)
    {
        using var source = new ActivitySource("tokenizer.tests.ratio." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new ParentBasedSampler(BackgroundCallSampler.ForRatio(ratio)))
            .AddSource(source.Name)
            .Build();

        var kept = 0;
        for (var i = 0; i < 200; i++)
        {
            using var request = source.StartActivity("request", ActivityKind.Server);
            kept += request?.Recorded ?? false ? 1 : 0;
        }

        kept.Should().Be(expected);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_ratio_outside_zero_to_one_is_refused_at_start(double ratio)
    {
        var start = () => BackgroundCallSampler.ForRatio(ratio);
        start.Should().Throw<InvalidOperationException>().WithMessage("*Telemetry:TraceSampleRatio*");
    }
}
