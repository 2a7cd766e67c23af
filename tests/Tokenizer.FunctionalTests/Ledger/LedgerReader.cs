using System.Net;
using System.Text.Json.Nodes;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>Reads /data/admin/* through the gateway with an operator token, as an operator's client does.</summary>
public sealed class LedgerReader(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private string? _token;

    public IdentityApi Identity { get; } = new(platform);

    public async Task<string> TokenAsync() => _token ??= await Identity.OperatorTokenAsync();

    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? bearer = null) =>
        await Identity.SendAsync(HttpMethod.Get, pathAndQuery, bearer ?? await TokenAsync());

    public async Task<JsonNode> GetJsonAsync(string pathAndQuery)
    {
        using var response = await GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Polls until the answer satisfies <paramref name="done"/> (ingestion is asynchronous), then returns it; fails with
    /// the last answer otherwise.
    /// </summary>
    public async Task<JsonNode> WaitForAsync(string pathAndQuery, Func<JsonNode, bool> done, string because)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await GetAsync(pathAndQuery);
            var body = await response.Content.ReadAsStringAsync();
            // 404 until the first row or scan of a new token is stored.
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, body);
                var json = JsonNode.Parse(body)!;
                if (done(json))
                {
                    return json;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {because}; last answer of {pathAndQuery}: {(int)response.StatusCode} {body}");
            }
            await Task.Delay(200);
        }
    }

    public static JsonArray Rows(JsonNode json) => json.AsArray();
}
