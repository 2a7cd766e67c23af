using System.Text;
using System.Text.Json;
using Tokenizer.Monitor.Status;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>
/// GET /status writes a stored snapshot's JSON around the request's age instead of serializing it again: the bytes
/// must be exactly what System.Text.Json writes for the document with that age, for any age.
/// </summary>
public sealed class StatusResponseTests
{
    private static readonly DateTimeOffset LastSuccess = new(2026, 12, 7, 9, 0, 0, 123, TimeSpan.Zero);

    public static TheoryData<double> Elapsed => new() { 0, 0.0004, 0.0005, 0.1, 0.25, 1, 1.0015, 2.1, 59.999, 3_600.5, 86_400 * 400.0 + 0.007 };

    [Theory]
    [MemberData(nameof(Elapsed))]
    public void The_served_bytes_are_the_serializers_for_the_age_at_the_request(double seconds)
    {
        var document = Document(LastSuccess);
        var now = LastSuccess.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        var age = StatusResponse.AgeAt(LastSuccess, now);

        var served = Encoding.UTF8.GetString(StatusResponse.From(document).ToArray(now));

        served.Should().Be(JsonSerializer.Serialize(WithAge(document, age), StatusDocument.Json));
        JsonDocument.Parse(served).RootElement.GetProperty("operational").GetProperty("monitor").GetProperty("age_seconds").GetDouble()
            .Should().Be(Math.Round(seconds, 3));
    }

    [Fact]
    public void A_clock_behind_the_last_success_shows_age_zero_and_no_success_yet_shows_no_age()
    {
        var early = StatusResponse.From(Document(LastSuccess)).ToArray(LastSuccess.AddSeconds(-5));
        JsonDocument.Parse(early).RootElement.GetProperty("operational").GetProperty("monitor").GetProperty("age_seconds").GetDouble().Should().Be(0);

        var never = Document(null);
        var served = Encoding.UTF8.GetString(StatusResponse.From(never).ToArray(LastSuccess));
        served.Should().Be(JsonSerializer.Serialize(WithAge(never, null), StatusDocument.Json));
        served.Should().NotContain("age_seconds").And.NotContain("last_success_at");
    }

    private static StatusDocument WithAge(StatusDocument document, double? age) =>
        document with { Operational = document.Operational with { Monitor = document.Operational.Monitor with { AgeSeconds = age } } };

    private static StatusDocument Document(DateTimeOffset? lastSuccess) => new(
        LastSuccess,
        new Dictionary<string, TokenStatus>
        {
            ["0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"] = new("1000.0", "10.0", 42, "0.18", "0.07", LastSuccess),
            ["0x5FbDB2315678afecb367f032d93F642f64180aa3"] = new("0", "0", 0, null, null, LastSuccess),
        },
        new OperationalStatus(
            LastSuccess,
            new MonitorLoopStatus(lastSuccess, 17.5, 0.4, 1, 42, 12_345, 2, true, lastSuccess is null ? "chain unreachable" : null),
            [
                new SubscriptionStatus("history-confirmed", 3, 1024, 0, "backpressure", false),
                new SubscriptionStatus("holdings-scanned", 0, 1024, 5, "drop", null),
            ],
            new ModulesStatus(
                new ChainModuleStatus(LastSuccess, 31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 120, 118, 116, 2, 2, 2.5, 1, 100_002),
                new Erc721ModuleStatus(LastSuccess, 3, new Dictionary<string, long> { ["0x5FbDB2315678afecb367f032d93F642f64180aa3"] = 3 }))));
}
