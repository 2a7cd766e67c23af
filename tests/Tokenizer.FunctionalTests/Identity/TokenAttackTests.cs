using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

/// <summary>
/// Tokens that must not work. The "real key" cases sign with Identity's own active key (read from identitydb), so
/// each is refused for exactly the one thing that is wrong with it, at the gateway and at Identity alike.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TokenAttackTests(PlatformFixture platform)
{
    private readonly IdentityApi _api = new(platform);

    public static TheoryData<string> Forgeries => new()
    {
        "expired",
        "not yet valid",
        "wrong audience",
        "wrong issuer",
        "no expiry",
        "alg none",
        "signed by another key with the real kid",
        "HS256 with the public key as secret",
        "tampered payload",
        "garbage",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_or_invalid_token_is_refused_and_changes_nothing(string forgery)
    {
        var victim = await _api.SignUpAsync();
        var real = await ReadRealTokenClaimsAsync(victim.Token);
        var (kid, key) = await ActiveSigningKeyAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Claims(Action<JsonObject>? change = null)
        {
            var claims = new JsonObject
            {
                ["iss"] = real.Issuer,
                ["aud"] = "tokenizer-api",
                ["sub"] = victim.Id,
                ["email"] = victim.Email,
                ["plan"] = "BASIC",
                ["role"] = "operator",
                ["iat"] = now,
                ["nbf"] = now,
                ["exp"] = now + 600,
            };
            change?.Invoke(claims);
            return claims;
        }

        var token = forgery switch
        {
            "expired" => Jwt.Sign(kid, key, Claims(c => { c["iat"] = now - 7200; c["nbf"] = now - 7200; c["exp"] = now - 3600; })),
            "not yet valid" => Jwt.Sign(kid, key, Claims(c => { c["nbf"] = now + 3600; c["exp"] = now + 7200; })),
            "wrong audience" => Jwt.Sign(kid, key, Claims(c => c["aud"] = "some-other-api")),
            "wrong issuer" => Jwt.Sign(kid, key, Claims(c => c["iss"] = "https://evil.example.com")),
            "no expiry" => Jwt.Sign(kid, key, Claims(c => c.Remove("exp"))),
            "alg none" => Jwt.Unsigned(kid, Claims()),
            "signed by another key with the real kid" => Jwt.Sign(kid, ECDsa.Create(ECCurve.NamedCurves.nistP256), Claims()),
            "HS256 with the public key as secret" => Jwt.Hs256(kid, key.ExportSubjectPublicKeyInfo(), Claims()),
            "tampered payload" => Jwt.Tamper(victim.Token, c => c["role"] = "operator"),
            _ => "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl",
        };
        // The honest control: the same claims properly signed work (the user role, on a user route).
        (await _api.GetJsonAsync("/me", Jwt.Sign(kid, key, Claims(c => c["role"] = "user"))))["id"]!.GetValue<string>().Should().Be(victim.Id);

        var before = ErrorAssertions.Canonical(await _api.GetJsonAsync("/api-keys", victim.Token));
        using (var me = await _api.SendAsync(HttpMethod.Get, "/me", token))
        {
            await me.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        using (var create = await _api.SendAsync(HttpMethod.Post, "/api-keys", token, new { name = "forged" }))
        {
            await create.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        using (var admin = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{victim.Id}/plan", token, new { plan = "PRO_PLUS" }))
        {
            await admin.ShouldBeDetailAsync(HttpStatusCode.Unauthorized);
        }
        // Bypassing the gateway does not help: Identity validates the same way.
        using (var direct = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.Identity) })
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/me"))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await direct.SendAsync(request);
            await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        ErrorAssertions.Canonical(await _api.GetJsonAsync("/api-keys", victim.Token)).Should().Be(before);
        (await _api.GetJsonAsync("/me", victim.Token))["plan"]!.GetValue<string>().Should().Be("BASIC");
    }

    [Fact]
    public async Task Another_users_key_is_not_found_and_stays_valid()
    {
        var owner = await _api.SignUpAsync();
        var other = await _api.SignUpAsync();
        var (keyId, key) = await _api.CreateKeyAsync(owner.Token);

        using (var response = await _api.SendAsync(HttpMethod.Delete, $"/api-keys/{keyId}", other.Token))
        {
            await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        using (var unknown = await _api.SendAsync(HttpMethod.Delete, $"/api-keys/{Guid.NewGuid()}", other.Token))
        {
            await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        (await _api.GetJsonAsync("/api-keys", other.Token)).AsArray().Should().BeEmpty();
        (await _api.GetJsonAsync("/api-keys", owner.Token)).AsArray().Single()!["revokedAt"].Should().BeNull();
        (await _api.GetJsonAsync("/me", key))["id"]!.GetValue<string>().Should().Be(owner.Id);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_everywhere_at_once()
    {
        var user = await _api.SignUpAsync();
        var (keyId, key) = await _api.CreateKeyAsync(user.Token);
        (await _api.GetJsonAsync("/me", key))["id"]!.GetValue<string>().Should().Be(user.Id); // now cached in Redis

        using (var revoke = await _api.SendAsync(HttpMethod.Delete, $"/api-keys/{keyId}", key))
        {
            revoke.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        using (var me = await _api.SendAsync(HttpMethod.Get, "/me", key))
        {
            await me.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        using (var keys = await _api.SendAsync(HttpMethod.Get, "/api-keys", key))
        {
            await keys.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        using (var direct = new HttpClient { BaseAddress = platform.GetServiceUrl(ResourceNames.Identity) })
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/me"))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await direct.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        // A key-shaped value that was never issued, and a malformed one.
        foreach (var bogus in new[] { "mw_" + new string('A', 43), "mw_short", "mw_" + key[3..] + "x" })
        {
            using var response = await _api.SendAsync(HttpMethod.Get, "/me", bogus);
            await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task Only_a_hash_of_each_key_is_stored()
    {
        var user = await _api.SignUpAsync();
        var (keyId, key) = await _api.CreateKeyAsync(user.Token);
        await using var db = new NpgsqlConnection(platform.IdentityDbConnectionString);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("select row_to_json(k)::text from api_keys k where id = @id", db);
        read.Parameters.AddWithValue("id", Guid.Parse(keyId));
        var row = (string)(await read.ExecuteScalarAsync())!;
        row.Should().NotContain(key[10..]);
        row.Should().Contain(AccountFlowTests.Sha256(key));
    }

    [Fact]
    public async Task The_introspection_endpoint_is_not_reachable_through_the_gateway()
    {
        var user = await _api.SignUpAsync();
        var (_, key) = await _api.CreateKeyAsync(user.Token);
        using var response = await _api.SendAsync(HttpMethod.Post, "/internal/api-keys/introspect", user.Token, new { keyHash = AccountFlowTests.Sha256(key) });
        ((int)response.StatusCode).Should().BeOneOf(401, 403, 404);
        (await response.Content.ReadAsStringAsync()).Should().NotContain(user.Email);
    }

    private async Task<(string Kid, ECDsa Key)> ActiveSigningKeyAsync()
    {
        await using var db = new NpgsqlConnection(platform.IdentityDbConnectionString);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("select kid, private_key from signing_keys where activates_at <= now() order by activates_at desc limit 1", db);
        await using var reader = await read.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(reader.GetFieldValue<byte[]>(1), out _);
        return (reader.GetString(0), key);
    }

    private static Task<(string Issuer, string Kid)> ReadRealTokenClaimsAsync(string token)
    {
        var parts = token.Split('.');
        var header = JsonNode.Parse(Jwt.Decode(parts[0]))!;
        var payload = JsonNode.Parse(Jwt.Decode(parts[1]))!;
        return Task.FromResult((payload["iss"]!.GetValue<string>(), header["kid"]!.GetValue<string>()));
    }
}

/// <summary>Hand-made JWS compact tokens (the test must be able to make bad ones).</summary>
internal static class Jwt
{
    public static string Sign(string kid, ECDsa key, JsonObject claims)
    {
        var signingInput = Encode(new JsonObject { ["alg"] = "ES256", ["kid"] = kid, ["typ"] = "JWT" }) + "." + Encode(claims);
        // JWS ES256 signatures are r||s (IEEE P1363), .NET's default format.
        return signingInput + "." + Base64Url(key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256));
    }

    public static string Unsigned(string kid, JsonObject claims) =>
        Encode(new JsonObject { ["alg"] = "none", ["kid"] = kid, ["typ"] = "JWT" }) + "." + Encode(claims) + ".";

    public static string Hs256(string kid, byte[] secret, JsonObject claims)
    {
        var signingInput = Encode(new JsonObject { ["alg"] = "HS256", ["kid"] = kid, ["typ"] = "JWT" }) + "." + Encode(claims);
        return signingInput + "." + Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string Tamper(string token, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Decode(parts[1]))!.AsObject();
        change(payload);
        return parts[0] + "." + Encode(payload) + "." + parts[2];
    }

    public static string Decode(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=')));
    }

    private static string Encode(JsonObject json) => Base64Url(Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions())));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
