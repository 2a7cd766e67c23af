using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

/// <summary>Each bad request gets the documented error, never a 500, and changes nothing.</summary>
[Collection(PlatformCollection.Name)]
public sealed class BadInputTests(PlatformFixture platform)
{
    private readonly IdentityApi _api = new(platform);

    public static TheoryData<string, string> BadSignUps => new()
    {
        { "malformed JSON", """{"email": "a@example.com", "password": """ },
        { "not an object", """["a@example.com", "password123"]""" },
        { "email of the wrong type", """{"email": 42, "password": "password123"}""" },
        { "password of the wrong type", """{"email": "EMAIL", "password": true}""" },
        { "missing email", """{"password": "password123"}""" },
        { "missing password", """{"email": "EMAIL"}""" },
        { "empty body", "" },
        { "invalid email", """{"email": "not-an-email", "password": "password123"}""" },
        { "email with a display name", """{"email": "Bob <EMAIL>", "password": "password123"}""" },
        { "email without a domain dot", """{"email": "bob@localhost", "password": "password123"}""" },
        { "short password", """{"email": "EMAIL", "password": "short"}""" },
        { "password too long", """{"email": "EMAIL", "password": "LONG"}""" },
    };

    [Theory]
    [MemberData(nameof(BadSignUps))]
    public async Task Bad_sign_up_is_a_validation_error_and_creates_no_account(string _, string body)
    {
        var email = IdentityApi.NewEmail("bad");
        body = body.Replace("EMAIL", email).Replace("LONG", new string('x', 129));
        using var response = await _api.Gateway.PostAsync("/auth/signup", IdentityApi.Json(body));
        await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");

        // Nothing was created: the same e-mail signs up fine afterwards.
        await _api.SignUpAsync(email);
    }

    [Theory]
    [InlineData("""{"email": "a@example.com", "password": """)]
    [InlineData("""{"email": 1, "password": 2}""")]
    [InlineData("""{"password": "password123"}""")]
    [InlineData("")]
    public async Task Bad_sign_in_is_a_validation_error(string body)
    {
        using var response = await _api.Gateway.PostAsync("/auth/signin", IdentityApi.Json(body));
        await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_in_the_documented_shape()
    {
        var user = await _api.SignUpAsync();
        var huge = $$"""{"name": "{{new string('n', 70 * 1024)}}"}""";
        using (var response = await _api.SendRawAsync(HttpMethod.Post, "/api-keys", user.Token, IdentityApi.Json(huge)))
        {
            await response.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "VALIDATION_ERROR");
        }
        // Also without a Content-Length (chunked): still refused, still no key.
        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using (var response = await _api.SendRawAsync(HttpMethod.Post, "/api-keys", user.Token, chunked))
        {
            ((int)response.StatusCode).Should().BeOneOf(413, 422);
        }
        (await _api.GetJsonAsync("/api-keys", user.Token)).AsArray().Should().BeEmpty();

        using var signUp = await _api.Gateway.PostAsync("/auth/signup", IdentityApi.Json(huge));
        await signUp.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task A_bad_api_key_request_creates_no_key()
    {
        var user = await _api.SignUpAsync();
        foreach (var body in new[] { """{"name": 5}""", """{"name": """, $$"""{"name": "{{new string('n', 101)}}"}""", "[1]" })
        {
            using var response = await _api.SendRawAsync(HttpMethod.Post, "/api-keys", user.Token, IdentityApi.Json(body));
            await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");
        }
        (await _api.GetJsonAsync("/api-keys", user.Token)).AsArray().Should().BeEmpty();
    }

    public static TheoryData<string> BadWalletBodies => new()
    {
        """{"walletAddress": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"}""", // mixed case, bad checksum
        """{"walletAddress": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae"}""",  // 39 digits
        """{"walletAddress": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedd"}""", // 41 digits
        """{"walletAddress": "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00"}""",  // no 0x
        """{"walletAddress": "0xZaaeb6053f3e94c9b9a09f33669435e7ef1beaed"}""",  // not hex
        """{"walletAddress": ""}""",
        """{"walletAddress": 12}""",
        """{"walletAddress": ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"]}""",
        """{"walletAddress": """,
        "\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\"",
        "",
    };

    [Theory]
    [MemberData(nameof(BadWalletBodies))]
    public async Task A_bad_wallet_address_is_refused_and_the_profile_is_unchanged(string body)
    {
        var user = await _api.SignUpAsync();
        using (var set = await _api.SendAsync(HttpMethod.Patch, "/me", user.Token, new { walletAddress = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359" }))
        {
            set.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        var before = ErrorAssertions.Canonical(await _api.GetJsonAsync("/me", user.Token));

        using var response = await _api.SendRawAsync(HttpMethod.Patch, "/me", user.Token, IdentityApi.Json(body));
        await response.ShouldBeErrorAsync(HttpStatusCode.UnprocessableEntity, "VALIDATION_ERROR");

        ErrorAssertions.Canonical(await _api.GetJsonAsync("/me", user.Token)).Should().Be(before);
    }

    [Theory]
    [InlineData("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    public async Task Upper_case_and_valid_mixed_case_addresses_are_accepted(string address)
    {
        var user = await _api.SignUpAsync();
        using var response = await _api.SendAsync(HttpMethod.Patch, "/me", user.Token, new { walletAddress = address });
        (await response.ShouldBeOkJsonAsync())["walletAddress"]!.GetValue<string>().Should().Be("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    }

    [Fact]
    public async Task Null_clears_the_wallet_address_and_an_absent_field_changes_nothing()
    {
        var user = await _api.SignUpAsync();
        using (var set = await _api.SendAsync(HttpMethod.Patch, "/me", user.Token, new { walletAddress = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359" }))
        {
            (await set.ShouldBeOkJsonAsync())["walletAddress"]!.GetValue<string>().Should().Be("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
        }
        using (var none = await _api.SendRawAsync(HttpMethod.Patch, "/me", user.Token, IdentityApi.Json("{}")))
        {
            (await none.ShouldBeOkJsonAsync())["walletAddress"]!.GetValue<string>().Should().Be("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359");
        }
        using (var clear = await _api.SendRawAsync(HttpMethod.Patch, "/me", user.Token, IdentityApi.Json("""{"walletAddress": null}""")))
        {
            (await clear.ShouldBeOkJsonAsync())["walletAddress"].Should().BeNull();
        }
    }

    [Fact]
    public async Task Bad_operator_plan_changes_answer_in_the_operator_shape_and_change_nothing()
    {
        var user = await _api.SignUpAsync();
        var operatorToken = await _api.OperatorTokenAsync();
        foreach (var body in new[] { """{"plan": "GOLD"}""", """{"plan": "pro"}""", """{"plan": 1}""", "{}", """{"plan": """, "" })
        {
            using var response = await _api.SendRawAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", operatorToken, IdentityApi.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, body);
            var detail = JsonNode.Parse(text)!["detail"]!.AsArray();
            detail.Should().NotBeEmpty();
            detail[0]!["loc"]![0]!.GetValue<string>().Should().Be("body");
            detail[0]!["msg"]!.GetValue<string>().Should().NotBeNullOrEmpty();
            detail[0]!["type"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        }
        using (var unknown = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{Guid.NewGuid()}/plan", operatorToken, new { plan = "PRO" }))
        {
            await unknown.ShouldBeDetailAsync(HttpStatusCode.NotFound);
        }
        using (var notAnId = await _api.SendAsync(HttpMethod.Put, "/api/admin/users/not-a-guid/plan", operatorToken, new { plan = "PRO" }))
        {
            await notAnId.ShouldBeDetailAsync(HttpStatusCode.NotFound);
        }
        (await _api.GetJsonAsync("/me", user.Token))["plan"]!.GetValue<string>().Should().Be("BASIC");
    }

    [Fact]
    public async Task Token_endpoint_errors_follow_rfc_6749()
    {
        async Task Expect(HttpContent content, HttpStatusCode status, string error, string? basic = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = content };
            if (basic is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", basic);
            }
            using var response = await _api.Gateway.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(status, body);
            JsonNode.Parse(body)!["error"]!.GetValue<string>().Should().Be(error);
            response.Headers.CacheControl?.NoStore.Should().BeTrue();
        }
        FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));

        await Expect(Form(("grant_type", "client_credentials"), ("client_id", IdentityApi.OperatorClientId), ("client_secret", "wrong")), HttpStatusCode.Unauthorized, "invalid_client");
        await Expect(Form(("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", IdentityApi.OperatorSecret)), HttpStatusCode.Unauthorized, "invalid_client");
        await Expect(Form(("grant_type", "client_credentials")), HttpStatusCode.Unauthorized, "invalid_client");
        await Expect(Form(("grant_type", "client_credentials")), HttpStatusCode.Unauthorized, "invalid_client",
            Convert.ToBase64String("tokenizer-operator:wrong"u8.ToArray()));
        await Expect(Form(("grant_type", "password"), ("username", "a"), ("password", "b")), HttpStatusCode.BadRequest, "unsupported_grant_type");
        await Expect(Form(("client_id", IdentityApi.OperatorClientId)), HttpStatusCode.BadRequest, "invalid_request");
        await Expect(IdentityApi.Json("""{"grant_type":"client_credentials"}"""), HttpStatusCode.BadRequest, "invalid_request");
    }
}
