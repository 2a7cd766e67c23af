using System.Net;
using System.Text.Json.Nodes;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Ledger;

/// <summary>The query rules of /data/admin/* (token-app-api.txt, PLATFORM.md): bounds, addresses, auth.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LedgerQueryRulesTests(PlatformFixture platform)
{
    private readonly LedgerReader _ledger = new(platform);

    public static TheoryData<string, string, string> OutOfBounds => new()
    {
        { "/data/admin/mints", "limit=0", "limit" },
        { "/data/admin/mints", "limit=1001", "limit" },
        { "/data/admin/burns", "limit=abc", "limit" },
        { "/data/admin/burns", "offset=-1", "offset" },
        { "/data/admin/mints", "offset=1.5", "offset" },
        { "/data/admin/holdings", "limit=0", "limit" },
        { "/data/admin/holdings", "limit=100001", "limit" },
        { "/data/admin/holdings", "offset=-5", "offset" },
        { "/data/admin/mints", "party_id=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "party_id" },
        { "/data/admin/holdings", "instrument_id=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "instrument_id" },
        { "/data/admin/burns", "party_id=alice", "party_id" },
        { "/data/admin/mints", "instrument_id=5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "instrument_id" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public async Task A_query_value_outside_the_documented_rules_is_a_422_naming_it(string path, string query, string field)
    {
        using var response = await _ledger.GetAsync($"{path}?{query}");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, body);
        var detail = JsonNode.Parse(body)!["detail"]!.AsArray().Should().ContainSingle().Subject!;
        detail["loc"]!.AsArray().Select(l => l!.GetValue<string>()).Should().Equal("query", field);
        detail["msg"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        detail["type"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task Every_bad_field_gets_its_own_entry()
    {
        using var response = await _ledger.GetAsync("/data/admin/mints?limit=5000&offset=x&party_id=nope");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, body);
        JsonNode.Parse(body)!["detail"]!.AsArray().Select(d => d!["loc"]![1]!.GetValue<string>()).Should().BeEquivalentTo("party_id", "limit", "offset");
    }

    [Theory]
    [InlineData("/data/admin/mints?limit=1&offset=0")]
    [InlineData("/data/admin/burns?limit=1000")]
    [InlineData("/data/admin/holdings?limit=100000&offset=0")]
    [InlineData("/data/admin/holdings?limit=1")]
    public async Task Bounds_themselves_are_accepted(string path)
    {
        using var response = await _ledger.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/data/admin/mints")]
    [InlineData("/data/admin/burns")]
    [InlineData("/data/admin/holdings")]
    public async Task An_instrument_never_seen_is_a_404_detail(string path)
    {
        using var response = await _ledger.GetAsync($"{path}?instrument_id={PlatformChainAccess.RandomAddress()}");
        await response.ShouldBeDetailAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/data/admin/mints")]
    [InlineData("/data/admin/holdings")]
    public async Task Without_a_token_it_is_401_and_with_a_user_token_403_in_the_detail_shape(string path)
    {
        using (var anonymous = await _ledger.Identity.SendAsync(HttpMethod.Get, path, null))
        {
            await anonymous.ShouldBeDetailAsync(HttpStatusCode.Unauthorized);
        }
        var user = await _ledger.Identity.SignUpAsync();
        using var forbidden = await _ledger.Identity.SendAsync(HttpMethod.Get, path, user.Token);
        await forbidden.ShouldBeDetailAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_three_endpoints_with_the_documented_examples()
    {
        using var http = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.LedgerData) };
        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        foreach (var path in new[] { "/data/admin/mints", "/data/admin/burns", "/data/admin/holdings" })
        {
            var get = document["paths"]![path]!["get"]!;
            get["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Should().BeEquivalentTo("party_id", "instrument_id", "limit", "offset");
            get["responses"]!["200"]!["content"]!["application/json"]!["example"].Should().NotBeNull(path);
        }
    }
}
