using System.Diagnostics.Metrics;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Tests;

/// <summary>
/// The validated-token cache answers exactly as a full validation would for every case a cached token can meet:
/// tokens are made by the library's own <see cref="JsonWebTokenHandler.CreateToken(SecurityTokenDescriptor)"/> and
/// signed ES256 as Identity signs them, and each answer is compared with the plain handler's.
/// </summary>
public sealed class CachingJsonWebTokenHandlerTests : IDisposable
{
    private const string Issuer = "http://identity.test";
    private const string Audience = "tokenizer";
    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherEcdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsaSecurityKey _key;
    private readonly ECDsaSecurityKey _otherKey;

    public CachingJsonWebTokenHandlerTests()
    {
        _key = new ECDsaSecurityKey(_ecdsa) { KeyId = "k1" };
        _otherKey = new ECDsaSecurityKey(_otherEcdsa) { KeyId = "k2" };
    }

    public void Dispose()
    {
        _ecdsa.Dispose();
        _otherEcdsa.Dispose();
    }

    private string Token(SecurityKey? key = null, TimeSpan? lifetime = null, string subject = "user-1") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            NotBefore = DateTime.UtcNow.AddSeconds(-5),
            Expires = DateTime.UtcNow + (lifetime ?? TimeSpan.FromMinutes(10)),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = "operator" },
            SigningCredentials = new SigningCredentials(key ?? _key, SecurityAlgorithms.EcdsaSha256),
        });

    private static TokenValidationParameters Parameters(params SecurityKey[] keys) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.Zero,
        IssuerSigningKeys = keys,
    };

    private static CachingJsonWebTokenHandler Handler(int capacity = 100) => new(capacity, TimeSpan.FromMinutes(5)) { MapInboundClaims = false };

    [Fact]
    public async Task A_repeated_token_is_validated_once_and_answers_the_same_claims()
    {
        var handler = Handler();
        var token = Token();

        var first = await handler.ValidateTokenAsync(token, Parameters(_key));
        var second = await handler.ValidateTokenAsync(token, Parameters(_key));
        var plain = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, Parameters(_key));

        first.IsValid.Should().BeTrue();
        second.IsValid.Should().BeTrue();
        (handler.Hits, handler.Misses).Should().Be((1, 1));
        second.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)).Should().BeEquivalentTo(plain.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)));
        second.Issuer.Should().Be(Issuer);
        second.SecurityToken.Should().BeOfType<JsonWebToken>().Which.Subject.Should().Be("user-1");
    }

    [Fact]
    public async Task Each_hit_has_its_own_identity()
    {
        var handler = Handler();
        var token = Token();
        await handler.ValidateTokenAsync(token, Parameters(_key));

        var one = await handler.ValidateTokenAsync(token, Parameters(_key));
        one.ClaimsIdentity.AddClaim(new Claim("role", "admin"));
        var two = await handler.ValidateTokenAsync(token, Parameters(_key));

        two.ClaimsIdentity.Should().NotBeSameAs(one.ClaimsIdentity);
        two.ClaimsIdentity.FindAll("role").Select(c => c.Value).Should().Equal("operator");
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_its_key_is_no_longer_trusted()
    {
        var handler = Handler();
        var token = Token();
        (await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid.Should().BeTrue();

        var result = await handler.ValidateTokenAsync(token, Parameters(_otherKey));

        result.IsValid.Should().BeFalse();
        result.Exception.Should().BeAssignableTo<SecurityTokenSignatureKeyNotFoundException>();
        handler.Hits.Should().Be(0);
    }

    [Fact]
    public async Task The_same_key_read_again_as_a_JWK_still_hits_but_another_key_under_the_same_id_does_not()
    {
        var handler = Handler();
        var token = Token();
        await handler.ValidateTokenAsync(token, Parameters(_key));

        // What the key set manager hands out after it re-reads Identity's JWKS: new objects for the same keys.
        var reread = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(_key);
        (await handler.ValidateTokenAsync(token, Parameters(reread))).IsValid.Should().BeTrue();
        handler.Hits.Should().Be(1);

        var impostor = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(_otherEcdsa) { KeyId = "k1" });
        var result = await handler.ValidateTokenAsync(token, Parameters(impostor));
        result.IsValid.Should().BeFalse();
        handler.Hits.Should().Be(1);
    }

    [Fact]
    public async Task A_cached_token_is_refused_when_its_issuer_or_audience_is_no_longer_accepted()
    {
        var handler = Handler();
        var token = Token();
        await handler.ValidateTokenAsync(token, Parameters(_key));

        var otherIssuer = Parameters(_key);
        otherIssuer.ValidIssuer = "http://elsewhere.test";
        var otherAudience = Parameters(_key);
        otherAudience.ValidAudience = "someone-else";

        (await handler.ValidateTokenAsync(token, otherIssuer)).Exception.Should().BeAssignableTo<SecurityTokenInvalidIssuerException>();
        (await handler.ValidateTokenAsync(token, otherAudience)).Exception.Should().BeAssignableTo<SecurityTokenInvalidAudienceException>();
        handler.Hits.Should().Be(0);
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_it_expires()
    {
        var handler = Handler();
        var token = Token(lifetime: TimeSpan.FromSeconds(2));
        (await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid.Should().BeTrue();

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var result = await handler.ValidateTokenAsync(token, Parameters(_key));

        result.IsValid.Should().BeFalse();
        result.Exception.Should().BeAssignableTo<SecurityTokenExpiredException>();
        (handler.Hits, handler.Count).Should().Be((0, 0));
    }

    [Fact]
    public async Task A_forged_signature_on_a_cached_token_is_refused_and_a_refused_token_is_never_cached()
    {
        var handler = Handler();
        var token = Token();
        await handler.ValidateTokenAsync(token, Parameters(_key));
        var forged = token[..(token.LastIndexOf('.') + 1)] + Base64UrlEncoder.Encode(new byte[64]);

        for (var i = 0; i < 3; i++)
        {
            (await handler.ValidateTokenAsync(forged, Parameters(_key))).IsValid.Should().BeFalse();
        }

        (handler.Hits, handler.Misses, handler.Count).Should().Be((0, 4, 1));
    }

    [Fact]
    public async Task It_never_holds_more_than_its_capacity()
    {
        var handler = Handler(capacity: 3);
        for (var i = 0; i < 10; i++)
        {
            (await handler.ValidateTokenAsync(Token(subject: $"user-{i}"), Parameters(_key))).IsValid.Should().BeTrue();
            handler.Count.Should().BeLessThanOrEqualTo(3);
        }
    }

    [Fact]
    public async Task Hits_and_misses_are_counted_on_the_validations_instrument()
    {
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CachingJsonWebTokenHandler.MeterName && instrument.Name == CachingJsonWebTokenHandler.ValidationsInstrument)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        var handler = Handler();
        var token = Token(subject: "metered-" + Guid.NewGuid());
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "cache")
                {
                    counted.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                }
            }
        });
        listener.Start();
        var before = (Hits: handler.Hits, Misses: handler.Misses);

        (await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid.Should().BeTrue();
        (await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid.Should().BeTrue();
        (await handler.ValidateTokenAsync(token, Parameters(_key))).IsValid.Should().BeTrue();
        (await handler.ValidateTokenAsync(Token(_otherKey), Parameters(_key))).IsValid.Should().BeFalse();

        (handler.Hits - before.Hits, handler.Misses - before.Misses).Should().Be((2, 2));
        // Other tests' handlers may count in parallel on the same process-wide instrument: at least these.
        counted.GetValueOrDefault("hit").Should().BeGreaterThanOrEqualTo(2);
        counted.GetValueOrDefault("miss").Should().BeGreaterThanOrEqualTo(2);
    }
}
