using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>Waiting on and reading the Monitor's history feed and /status of a platform of the test's own.</summary>
public static class FeedAssertions
{
    public static async Task<List<JsonObject>> WaitForFeedAsync(OwnMonitorPlatform own, Func<List<JsonObject>, bool> done, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        List<JsonObject> feed;
        do
        {
            feed = await own.FeedAsync();
            if (done(feed))
            {
                return feed;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"The history feed did not show {because} within {timeout}; {feed.Count} batches.");
    }

    public static IEnumerable<JsonObject> Added(IEnumerable<JsonObject> feed) => feed.SelectMany(b => b["added"]!.AsArray().Select(a => a!.AsObject()));

    public static IEnumerable<JsonObject> Removed(IEnumerable<JsonObject> feed) => feed.SelectMany(b => b["removed"]!.AsArray().Select(a => a!.AsObject()));

    public static bool Carries(IEnumerable<JsonObject> feed, string transactionHash) =>
        Added(feed).Any(a => string.Equals(a["transactionHash"]!.GetValue<string>(), transactionHash, StringComparison.OrdinalIgnoreCase));

    public static void ShouldBeNumberedWithoutGaps(List<JsonObject> feed) =>
        feed.Select(b => b["sequence"]!.GetValue<long>()).Should().Equal(Enumerable.Range(1, feed.Count).Select(i => (long)i));

    /// <summary>An operator token from a platform's gateway (client credentials, the seeded development client).</summary>
    public static async Task<string> OperatorTokenAsync(HttpClient gateway)
    {
        using var response = await gateway.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Identity.IdentityApi.OperatorClientId,
            ["client_secret"] = Identity.IdentityApi.OperatorSecret,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }
}
