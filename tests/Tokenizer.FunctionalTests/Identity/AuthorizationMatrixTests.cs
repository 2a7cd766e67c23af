using System.Net;
using System.Text.Json.Nodes;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

/// <summary>
/// Every endpoint × every kind of caller, through the gateway. "owner" owns the resources in the path (their
/// profile, their key); "other" is another signed-up user; "operator" is an operator client's token, and
/// "operator key" an operator account's API key.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuthorizationMatrixTests(PlatformFixture platform)
{
    private readonly IdentityApi _api = new(platform);

    public enum Caller { None, BadToken, Owner, OwnerKey, Other, Operator, OperatorKey }

    private static readonly Caller[] Callers = Enum.GetValues<Caller>();

    // Expected status per caller, in the order of Caller.
    public static TheoryData<string, string, int[]> Matrix => new()
    {
        { "GET", "/me", [401, 401, 200, 200, 200, 403, 200] },
        { "PATCH", "/me", [401, 401, 200, 200, 200, 403, 200] },
        { "GET", "/api-keys", [401, 401, 200, 200, 200, 403, 200] },
        { "POST", "/api-keys", [401, 401, 200, 200, 200, 403, 200] },
        // The owner's key: only the owner can revoke it; another account (operators included) sees "not found".
        { "DELETE", "/api-keys/{key}", [401, 401, 200, 200, 404, 403, 404] },
        { "PUT", "/api/admin/users/{user}/plan", [401, 401, 403, 403, 403, 200, 200] },
        { "PUT", "/api/admin/users/{user}/role", [401, 401, 403, 403, 403, 200, 200] },
        // Gateway-level denials of the other services' routes (their allowed answers belong to those services).
        { "POST", "/api/admin/mint", [401, 401, 403, 403, 403, 0, 0] },
        { "POST", "/api/admin/burn", [401, 401, 403, 403, 403, 0, 0] },
        { "GET", "/data/admin/mints", [401, 401, 403, 403, 403, 0, 0] },
        { "GET", "/data/admin/burns", [401, 401, 403, 403, 403, 0, 0] },
        { "GET", "/data/admin/holdings", [401, 401, 403, 403, 403, 0, 0] },
        { "GET", "/status", [401, 401, 403, 403, 403, 0, 0] },
        { "GET", "/tokens", [401, 401, 0, 0, 0, 0, 0] },
        { "POST", "/tokens", [401, 401, 0, 0, 0, 0, 0] },
        { "GET", "/stats", [401, 401, 0, 0, 0, 0, 0] },
        // Nothing is routed here: refused, whoever asks.
        { "GET", "/not-a-route", [401, 401, 403, 403, 403, 403, 403] },
        { "POST", "/internal/api-keys/introspect", [401, 401, 403, 403, 403, 403, 403] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_caller_gets_the_expected_status(string method, string pathTemplate, int[] expected)
    {
        var owner = await _api.SignUpAsync(IdentityApi.NewEmail("owner"));
        var other = await _api.SignUpAsync(IdentityApi.NewEmail("other"));
        var (operatorAccount, operatorKey) = await _api.OperatorAccountAsync();
        var operatorToken = await _api.OperatorTokenAsync();
        var (_, ownerKey) = await _api.CreateKeyAsync(owner.Token, "matrix");
        var failures = new List<string>();

        foreach (var caller in Callers)
        {
            var want = expected[(int)caller];
            // Each caller gets a fresh key of the owner to revoke, so an earlier 200 does not turn into a 409.
            var (targetKeyId, _) = await _api.CreateKeyAsync(owner.Token, "target");
            var path = pathTemplate.Replace("{key}", targetKeyId).Replace("{user}", other.Id);
            var bearer = caller switch
            {
                Caller.None => null,
                Caller.BadToken => "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA",
                Caller.Owner => owner.Token,
                Caller.OwnerKey => ownerKey,
                Caller.Other => other.Token,
                Caller.Operator => operatorToken,
                _ => operatorKey,
            };
            object? body = (method, pathTemplate) switch
            {
                ("PATCH", _) => new { walletAddress = (string?)null },
                ("POST", "/api-keys") => new { name = "matrix" },
                (_, var p) when p.EndsWith("/plan") => new { plan = "BASIC" },
                (_, var p) when p.EndsWith("/role") => new { role = "user" },
                ("POST", _) or ("PUT", _) => new { },
                _ => null,
            };
            using var response = await _api.SendAsync(new HttpMethod(method), path, bearer, body);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            // 0: past the gateway; what the service then answers is its own business (not 401, not a 5xx).
            var ok = want == 0 ? status != 401 && status < 500 : status == want;
            if (!ok)
            {
                failures.Add($"{caller}: expected {(want == 0 ? "past the gateway" : want)}, got {status} {text}");
                continue;
            }
            if (status is 401 or 403)
            {
                var json = JsonNode.Parse(text)!.AsObject();
                var operatorRoute = pathTemplate.StartsWith("/api/admin") || pathTemplate.StartsWith("/data/admin") || pathTemplate == "/status";
                if (operatorRoute ? !json.ContainsKey("detail") : json["code"]?.GetValue<string>() != (status == 401 ? "UNAUTHORIZED" : "FORBIDDEN"))
                {
                    failures.Add($"{caller}: wrong error shape for {status}: {text}");
                }
            }
        }
        failures.Should().BeEmpty($"{method} {pathTemplate}");
        operatorAccount.Should().NotBeNull();
    }
}
