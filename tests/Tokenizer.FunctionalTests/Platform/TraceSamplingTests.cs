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
}
