using System.Text.Json;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Platform;

[Collection(PlatformCollection.Name)]
public sealed class MetricsTests(PlatformFixture platform)
{
    [Fact]
    public async Task Metrics_answer_json_without_auth_and_count_requests_served_before_the_first_scrape()
    {
        for (var i = 0; i < 3; i++)
        {
            using var served = await platform.Gateway.GetAsync("/.well-known/openid-configuration");
            served.EnsureSuccessStatusCode();
        }

        using var response = await platform.Gateway.GetAsync("/metrics");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        root.GetProperty("service").GetString().Should().Be("Tokenizer.Gateway");
        root.GetProperty("process").GetProperty("uptime_seconds").GetDouble().Should().BeGreaterThan(1, "the gateway has been up since the platform started");
        var requests = root.GetProperty("metrics").GetProperty("http.server.request.duration");
        requests.GetProperty("type").GetString().Should().Be("histogram");
        requests.GetProperty("count").GetInt64().Should().BeGreaterThanOrEqualTo(3, "requests are counted from start-up, not from the first scrape");
    }
}
