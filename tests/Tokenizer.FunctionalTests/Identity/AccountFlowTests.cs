using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

[Collection(PlatformCollection.Name)]
public sealed class AccountFlowTests(PlatformFixture platform)
{
    private readonly IdentityApi _api = new(platform);

    [Fact]
    public async Task A_new_user_signs_up_signs_in_manages_keys_and_profile()
    {
        var email = IdentityApi.NewEmail("Flow");
        var user = await _api.SignUpAsync(email);

        // Sign-in compares the e-mail case-insensitively and answers like sign-up.
        using var signIn = await _api.Gateway.PostAsJsonAsync("/auth/signin", new { email = email.ToUpperInvariant(), password = user.Password });
        var signedIn = await signIn.ShouldBeOkJsonAsync();
        signedIn["user"]!["id"]!.GetValue<string>().Should().Be(user.Id);
        signedIn["user"]!["email"]!.GetValue<string>().Should().Be(email);
        signedIn["user"]!["plan"]!.GetValue<string>().Should().Be("BASIC");
        var token = signedIn["token"]!.GetValue<string>();

        var profile = await _api.GetJsonAsync("/me", token);
        profile["id"]!.GetValue<string>().Should().Be(user.Id);
        profile["email"]!.GetValue<string>().Should().Be(email);
        profile["plan"]!.GetValue<string>().Should().Be("BASIC");
        profile["walletAddress"].Should().BeNull();
        profile["createdAt"]!.GetValue<string>().Should().EndWith("Z");

        // Lower-case in, EIP-55 out.
        using (var patch = await _api.SendAsync(HttpMethod.Patch, "/me", token, new { walletAddress = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" }))
        {
            (await patch.ShouldBeOkJsonAsync())["walletAddress"]!.GetValue<string>().Should().Be("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        }
        (await _api.GetJsonAsync("/me", token))["walletAddress"]!.GetValue<string>().Should().Be("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");

        // A key is shown once, then listed by prefix only, and works as a bearer credential.
        using var create = await _api.SendAsync(HttpMethod.Post, "/api-keys", token, new { name = "ci" });
        var created = await create.ShouldBeOkJsonAsync();
        var key = created["key"]!.GetValue<string>();
        var keyId = created["id"]!.GetValue<string>();
        key.Should().StartWith("mw_").And.HaveLength(46);
        created["keyPrefix"]!.GetValue<string>().Should().Be(key[..10]);
        created["name"]!.GetValue<string>().Should().Be("ci");

        var list = (await _api.GetJsonAsync("/api-keys", key)).AsArray();
        list.Should().ContainSingle();
        list[0]!["id"]!.GetValue<string>().Should().Be(keyId);
        list[0]!["keyPrefix"]!.GetValue<string>().Should().Be(key[..10]);
        list[0]!["revokedAt"].Should().BeNull();
        list[0]!.AsObject().ContainsKey("key").Should().BeFalse();
        ErrorAssertions.Canonical(list).Should().NotContain(key);
        (await _api.GetJsonAsync("/me", key))["id"]!.GetValue<string>().Should().Be(user.Id);

        // Revocation answers with the revoked key and stops the key at once.
        using (var revoke = await _api.SendAsync(HttpMethod.Delete, $"/api-keys/{keyId}", token))
        {
            var revoked = await revoke.ShouldBeOkJsonAsync();
            revoked["id"]!.GetValue<string>().Should().Be(keyId);
            revoked["revokedAt"]!.GetValue<string>().Should().EndWith("Z");
        }
        using (var withRevoked = await _api.SendAsync(HttpMethod.Get, "/me", key))
        {
            await withRevoked.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        using (var again = await _api.SendAsync(HttpMethod.Delete, $"/api-keys/{keyId}", token))
        {
            await again.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        }
        (await _api.GetJsonAsync("/api-keys", token)).AsArray().Single()!["revokedAt"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_taken_email_is_a_conflict_whatever_its_case()
    {
        var user = await _api.SignUpAsync();
        using var response = await _api.Gateway.PostAsJsonAsync("/auth/signup", new { email = user.Email.ToUpperInvariant(), password = "another password" });
        await response.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task Concurrent_sign_ups_with_one_email_create_one_account()
    {
        var email = IdentityApi.NewEmail("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _api.Gateway.PostAsJsonAsync("/auth/signup", new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = "password-" + i })));
        try
        {
            responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
            responses.Where(r => r.StatusCode != HttpStatusCode.OK).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Conflict);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        await using var db = new NpgsqlConnection(platform.IdentityDbConnectionString);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand("select count(*) from users where lower(email) = lower(@email)", db);
        count.Parameters.AddWithValue("email", email);
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(1);
    }

    [Fact]
    public async Task Sign_in_does_not_reveal_whether_the_email_exists()
    {
        var user = await _api.SignUpAsync();
        using var wrongPassword = await _api.Gateway.PostAsJsonAsync("/auth/signin", new { email = user.Email, password = "not the password" });
        using var unknownEmail = await _api.Gateway.PostAsJsonAsync("/auth/signin", new { email = IdentityApi.NewEmail("nobody"), password = "not the password" });

        await wrongPassword.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        await unknownEmail.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await wrongPassword.Content.ReadAsStringAsync()).Should().Be(await unknownEmail.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Passwords_are_stored_only_as_a_slow_salted_hash()
    {
        var user = await _api.SignUpAsync();
        await using var db = new NpgsqlConnection(platform.IdentityDbConnectionString);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("select password_hash from users where id = @id", db);
        read.Parameters.AddWithValue("id", Guid.Parse(user.Id));
        var hash = (string)(await read.ExecuteScalarAsync())!;
        hash.Should().NotContain(user.Password);
        // ASP.NET Core Identity v3 format: marker byte 0x01, PBKDF2 with a per-password salt.
        Convert.FromBase64String(hash)[0].Should().Be(0x01);
    }

    [Fact]
    public async Task Sign_up_and_plan_change_publish_their_events_through_the_outbox()
    {
        var user = await _api.SignUpAsync();
        var operatorToken = await _api.OperatorTokenAsync();
        using (var change = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", operatorToken, new { plan = "PRO_PLUS" }))
        {
            (await change.ShouldBeOkJsonAsync())["plan"]!.GetValue<string>().Should().Be("PRO_PLUS");
        }
        (await _api.GetJsonAsync("/me", user.Token))["plan"]!.GetValue<string>().Should().Be("PRO_PLUS");

        await using var db = new NpgsqlConnection(platform.IdentityDbConnectionString);
        await db.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<(string Type, bool Dispatched)> rows;
        do
        {
            rows = [];
            await using var read = new NpgsqlCommand(
                "select message_type, dispatched_at is not null from outbox_messages where body->>'userId' = @id order by sequence", db);
            read.Parameters.AddWithValue("id", user.Id);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetBoolean(1)));
            }
            if (rows.Count == 2 && rows.All(r => r.Dispatched))
            {
                break;
            }
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        rows.Select(r => r.Type.Split(',')[0]).Should().Equal("Tokenizer.Messages.Identity.UserRegistered", "Tokenizer.Messages.Identity.PlanChanged");
        rows.Should().OnlyContain(r => r.Dispatched, "the dispatcher publishes committed rows to RabbitMQ");
    }

    [Fact]
    public async Task An_api_key_sees_a_plan_change_at_once()
    {
        var user = await _api.SignUpAsync();
        var (_, key) = await _api.CreateKeyAsync(user.Token);
        (await _api.GetJsonAsync("/me", key))["plan"]!.GetValue<string>().Should().Be("BASIC");

        var operatorToken = await _api.OperatorTokenAsync();
        using (var change = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/plan", operatorToken, new { plan = "PRO" }))
        {
            change.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        // The cached key entry carries the new plan (what services read for the per-plan rate limit).
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(platform.RedisConnectionString);
        var entry = await redis.GetDatabase().StringGetAsync("tokenizer:apikey:" + Sha256(key));
        JsonNode.Parse(entry.ToString())!["plan"]!.GetValue<string>().Should().Be("PRO");
    }

    internal static string Sha256(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
