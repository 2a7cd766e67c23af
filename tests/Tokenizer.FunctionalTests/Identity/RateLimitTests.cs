using System.Net;
using System.Net.Http.Json;
using Tokenizer.FunctionalTests.Infrastructure;

namespace Tokenizer.FunctionalTests.Identity;

/// <summary>
/// The limits are counted in Redis, per client IP for sign-in/sign-up and per user by plan. Each test sends from
/// its own loopback address (127.0.0.0/8 all reaches the gateway), so it exhausts only its own budget and the rest
/// of the suite (from 127.0.0.1) is not throttled; it does not assume the configured figures, it finds them.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RateLimitTests(PlatformFixture platform)
{
    private const int Ceiling = 3000;
    private readonly IdentityApi _api = new(platform);

    private static IPAddress RandomLoopback() => new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]);

    [Fact]
    public async Task Sign_in_is_limited_per_client_ip_with_retry_after()
    {
        using var attacker = _api.ClientFrom(RandomLoopback());
        using var bystander = _api.ClientFrom(RandomLoopback());
        var victim = await _api.SignUpAsync();

        HttpResponseMessage? limited = null;
        for (var sent = 0; sent < Ceiling && limited is null; sent += 16)
        {
            // Cheap requests (no password hashing: the body is incomplete) count like any other.
            var batch = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => attacker.PostAsync("/auth/signin", IdentityApi.Json("{}"))));
            limited = batch.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            foreach (var response in batch.Where(r => r != limited))
            {
                response.StatusCode.Should().BeOneOf(HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests);
                response.Dispose();
            }
        }
        limited.Should().NotBeNull("sign-in must be rate limited per client IP");
        await limited!.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        limited!.Headers.RetryAfter!.Delta!.Value.Should().BePositive();
        limited!.Dispose();

        // Even the right password is refused from that address now; another address is not affected.
        using (var right = await attacker.PostAsJsonAsync("/auth/signin", new { email = victim.Email, password = victim.Password }))
        {
            right.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }
        foreach (var variant in new[] { "/auth/signin/", "/AUTH/SIGNIN", "/auth/sign%69n" })
        {
            using var sneaky = await attacker.PostAsJsonAsync(variant, new { email = victim.Email, password = victim.Password });
            sneaky.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, variant);
        }
        using (var other = await bystander.PostAsJsonAsync("/auth/signin", new { email = victim.Email, password = victim.Password }))
        {
            other.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Requests_are_limited_per_user_by_plan()
    {
        var busy = await _api.SignUpAsync();
        var calm = await _api.SignUpAsync();
        var (_, busyKey) = await _api.CreateKeyAsync(busy.Token);

        HttpResponseMessage? limited = null;
        var sent = 0;
        while (sent < Ceiling && limited is null)
        {
            // JWT and API key of one user share one budget.
            var batch = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => _api.SendAsync(HttpMethod.Get, "/me", i % 2 == 0 ? busy.Token : busyKey)));
            sent += batch.Length;
            limited = batch.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            foreach (var response in batch.Where(r => r != limited))
            {
                response.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
                response.Dispose();
            }
        }
        limited.Should().NotBeNull("a BASIC user must be rate limited");
        await limited!.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        limited!.Headers.RetryAfter.Should().NotBeNull();
        limited!.Dispose();

        (await _api.GetJsonAsync("/me", calm.Token))["id"]!.GetValue<string>().Should().Be(calm.Id);

        var operatorToken = await _api.OperatorTokenAsync();
        var big = await _api.SignUpAsync();
        using (var change = await _api.SendAsync(HttpMethod.Put, $"/api/admin/users/{big.Id}/plan", operatorToken, new { plan = "PRO_PLUS" }))
        {
            change.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        var bigToken = await _api.SignInTokenAsync(big);
        var bigSent = 0;
        while (bigSent < sent)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => _api.SendAsync(HttpMethod.Get, "/me", bigToken)));
            bigSent += batch.Length;
            batch.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK, "PRO_PLUS allows more than BASIC");
            foreach (var response in batch)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Limits_are_shared_through_redis()
    {
        // The counter lives in Redis under a key any gateway replica uses: the count is visible there.
        var user = await _api.SignUpAsync();
        for (var i = 0; i < 3; i++)
        {
            (await _api.GetJsonAsync("/me", user.Token)).Should().NotBeNull();
        }
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(platform.RedisConnectionString);
        var count = await redis.GetDatabase().StringGetAsync("tokenizer:ratelimit:user:" + user.Id);
        ((long)count).Should().BeGreaterThanOrEqualTo(3);
        (await redis.GetDatabase().KeyTimeToLiveAsync("tokenizer:ratelimit:user:" + user.Id)).Should().NotBeNull();
    }
}
