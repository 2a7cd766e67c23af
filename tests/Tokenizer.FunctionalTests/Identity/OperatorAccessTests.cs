using System.Net;
using System.Text.Json.Nodes;
using Duende.IdentityModel.Client;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

[Collection(PlatformCollection.Name)]
public sealed class OperatorAccessTests(PlatformFixture platform)
{
    private readonly IdentityApi _api = new(platform);

    [Fact]
    public async Task An_operator_client_gets_a_token_and_changes_a_plan_that_a_user_token_cannot()
    {
        var discovery = await _api.DiscoverAsync();
        discovery.TokenEndpoint.Should().StartWith(platform.GatewayUrl.GetLeftPart(UriPartial.Authority));
        discovery.GrantTypesSupported.Should().Contain("client_credentials");
        discovery.KeySet!.Keys.Should().NotBeEmpty().And.OnlyContain(k => k.Kty == "EC" && k.Alg == "ES256" && k.Crv == "P-256");

        // Client authentication in the body this time (the default helper above uses HTTP Basic).
        var token = await _api.Gateway.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = IdentityApi.OperatorClientId,
            ClientSecret = IdentityApi.OperatorSecret,
            ClientCredentialStyle = Duende.IdentityModel.Client.ClientCredentialStyle.PostBody,
        });
        token.IsError.Should().BeFalse(token.Error);
        token.TokenType.Should().Be("Bearer");
        token.ExpiresIn.Should().BePositive();
        var claims = JsonNode.Parse(Jwt.Decode(token.AccessToken!.Split('.')[1]))!;
        claims["role"]!.GetValue<string>().Should().Be("operator");
        claims["aud"]!.GetValue<string>().Should().Be("tokenizer-api");

        var user = await _api.SignUpAsync();
        using (var asUser = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", user.Token, new { plan = "PRO" }))
        {
            await asUser.ShouldBeDetailAsync(HttpStatusCode.Forbidden);
        }
        (await _api.GetJsonAsync("/me", user.Token))["plan"]!.GetValue<string>().Should().Be("BASIC");

        using (var asOperator = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", token.AccessToken, new { plan = "PRO" }))
        {
            var changed = await asOperator.ShouldBeOkJsonAsync();
            changed["id"]!.GetValue<string>().Should().Be(user.Id);
            changed["plan"]!.GetValue<string>().Should().Be("PRO");
        }
        (await _api.GetJsonAsync("/me", user.Token))["plan"]!.GetValue<string>().Should().Be("PRO");
    }

    [Fact]
    public async Task An_operator_accounts_api_key_reaches_the_operator_api()
    {
        var (_, operatorKey) = await _api.OperatorAccountAsync();
        var user = await _api.SignUpAsync();
        using var response = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", operatorKey, new { plan = "PRO_PLUS" });
        (await response.ShouldBeOkJsonAsync())["plan"]!.GetValue<string>().Should().Be("PRO_PLUS");
    }

    [Fact]
    public async Task Demoting_an_operator_account_takes_effect_for_its_api_key_at_once()
    {
        var (account, operatorKey) = await _api.OperatorAccountAsync();
        var operatorToken = await _api.OperatorTokenAsync();
        using (var demote = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{account.Id}/role", operatorToken, new { role = "user" }))
        {
            demote.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        using var response = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{account.Id}/plan", operatorKey, new { plan = "PRO" });
        await response.ShouldBeDetailAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_discovery_document_and_jwks_are_public_and_hold_no_private_key()
    {
        var config = JsonNode.Parse(await _api.Gateway.GetStringAsync("/.well-known/openid-configuration"))!;
        config["issuer"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        config["grant_types_supported"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain("client_credentials");
        var jwks = await _api.Gateway.GetStringAsync("/.well-known/jwks.json");
        var keys = JsonNode.Parse(jwks)!["keys"]!.AsArray();
        keys.Should().NotBeEmpty();
        keys.Should().OnlyContain(k => !k!.AsObject().ContainsKey("d"));
    }

    [Fact]
    public async Task A_rotated_signing_key_is_published_first_and_old_tokens_keep_working()
    {
        var user = await _api.SignUpAsync();
        var operatorToken = await _api.OperatorTokenAsync();
        var oldKid = Kid(user.Token);

        using (var asUser = await _api.SendAsync(HttpMethod.Post, "/api/admin/signing-keys/rotate", user.Token))
        {
            await asUser.ShouldBeDetailAsync(HttpStatusCode.Forbidden);
        }
        using var rotate = await _api.SendAsync(HttpMethod.Post, "/api/admin/signing-keys/rotate", operatorToken);
        var rotated = await rotate.ShouldBeOkJsonAsync();
        var newKid = rotated["kid"]!.GetValue<string>();
        newKid.Should().NotBe(oldKid);

        // Published before it signs, so every validator can know it by then.
        Kids(await _api.Gateway.GetStringAsync("/.well-known/jwks.json")).Should().Contain([oldKid, newKid]);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        string fresh;
        do
        {
            await Task.Delay(1000);
            fresh = (await _api.SignInTokenAsync(user));
        }
        while (Kid(fresh) != newKid && DateTime.UtcNow < deadline);
        Kid(fresh).Should().Be(newKid, "the new key signs once its activation delay has passed");

        (await _api.GetJsonAsync("/me", fresh))["id"]!.GetValue<string>().Should().Be(user.Id);
        (await _api.GetJsonAsync("/me", user.Token))["id"]!.GetValue<string>().Should().Be(user.Id, "tokens signed by the previous key stay valid until they expire");
        Kids(await _api.Gateway.GetStringAsync("/.well-known/jwks.json")).Should().Contain([oldKid, newKid]);
    }

    private static string Kid(string token) => JsonNode.Parse(Jwt.Decode(token.Split('.')[0]))!["kid"]!.GetValue<string>();

    private static IEnumerable<string> Kids(string jwks) =>
        JsonNode.Parse(jwks)!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>());
}
