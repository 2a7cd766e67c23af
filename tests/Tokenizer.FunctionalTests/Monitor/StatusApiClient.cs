using System.Net;
using System.Text.Json.Nodes;
using Tokenizer.FunctionalTests.Identity;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Monitor;

/// <summary>GET /status through a gateway with an operator token, polled until a condition holds.</summary>
public sealed class StatusApiClient(HttpClient gateway, string operatorToken)
{
    public static async Task<StatusApiClient> ForAsync(PlatformFixture platform) =>
        new(platform.Gateway, await new IdentityApi(platform).OperatorTokenAsync());

    public async Task<JsonObject> GetAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Authorization = new("Bearer", operatorToken);
        using var response = await gateway.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Polls until <paramref name="done"/> holds for a status document, and returns that document; fails with the last one.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> done, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject status;
        do
        {
            status = await GetAsync();
            if (done(status))
            {
                return status;
            }
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        throw new Xunit.Sdk.XunitException($"/status did not show {because} within {timeout}; last: {status.ToJsonString()}");
    }
}
