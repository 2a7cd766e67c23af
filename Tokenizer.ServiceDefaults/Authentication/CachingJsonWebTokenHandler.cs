using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that remembers the tokens it has validated, so that a client sending the same
/// bearer token on every request pays for its ES256 signature once, not once per request and hop (the gateway and the
/// service each validate it). What a hit still checks, against the parameters of the request at hand:
/// <list type="bullet">
/// <item>the token has not expired (its <c>exp</c>, without the clock skew a full validation allows), and the entry is
/// younger than <see cref="MaxAge"/>;</item>
/// <item>the key that signed it is still one of the keys the request trusts (a key that left Identity's key set is
/// refused on the first request after the set is re-read, as without the cache);</item>
/// <item>its issuer and audience are still accepted.</item>
/// </list>
/// Only successful validations are kept; a token that failed is validated in full every time. The cache is keyed by
/// the whole token string (a changed signature is another key), holds at most <see cref="Capacity"/> entries (expired
/// ones are swept when it is full, and it is emptied if it is still full), and each hit answers with its own copy of
/// the identity, so that nothing one request does to its principal reaches another.
/// Envoy's <c>jwt_authn</c> (<c>jwt_cache_config</c>) does the same for the same reason.
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    /// <summary>The meter of the cache's instrument, exported over OTLP and in /metrics with the service's own.</summary>
    public const string MeterName = TokenizerTelemetry.MeterPrefix + "Authentication";

    /// <summary>Bearer-token validations, tagged <c>cache</c> = <c>hit</c> (answered from the cache) or <c>miss</c> (validated in full).</summary>
    public const string ValidationsInstrument = "tokenizer.authentication.token_validations";

    // One meter per process, however many handlers the authentication schemes create: the instrument sums them.
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Validations = Meter.CreateCounter<long>(
        ValidationsInstrument, description: "Bearer-token validations, by whether the validated-token cache answered them (cache=hit) or not (cache=miss)");
    private static readonly KeyValuePair<string, object?> HitTag = new("cache", "hit");
    private static readonly KeyValuePair<string, object?> MissTag = new("cache", "miss");

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _hits;
    private long _misses;

    /// <summary>A handler keeping at most <paramref name="capacity"/> validated tokens, each for at most <paramref name="maxAge"/>.</summary>
    public CachingJsonWebTokenHandler(int capacity, TimeSpan maxAge, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        Capacity = capacity;
        MaxAge = maxAge;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The most tokens kept at once.</summary>
    public int Capacity { get; }

    /// <summary>How long a validation is trusted at most, whatever the token's own lifetime.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>Tokens held now.</summary>
    public int Count => _entries.Count;

    /// <summary>Validations answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Validations done in full (first sight, expired entry, key no longer trusted, or a failed token).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The cached answer when every check of a hit holds; otherwise a full validation, kept when it succeeds.</summary>
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var now = _time.GetUtcNow();
        if (token is not null && _entries.TryGetValue(token, out var entry))
        {
            if (entry.StillHolds(validationParameters, now))
            {
                Interlocked.Increment(ref _hits);
                Validations.Add(1, HitTag);
                return entry.Answer();
            }
            _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }

        Interlocked.Increment(ref _misses);
        Validations.Add(1, MissTag);
        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (token is not null && result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.SigningKey is { } key
            && result.ClaimsIdentity is { } identity)
        {
            var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            var until = now + MaxAge < expires ? now + MaxAge : expires;
            if (until > now)
            {
                MakeRoom(now);
                _entries[token] = new Entry(until, key, jwt.Issuer, [.. jwt.Audiences], identity.Clone(), result);
            }
        }
        return result;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_entries.Count < Capacity)
        {
            return;
        }
        foreach (var (token, entry) in _entries)
        {
            if (entry.Until <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
            }
        }
        if (_entries.Count >= Capacity)
        {
            _entries.Clear(); // every entry still valid: start over rather than grow past the bound
        }
    }

    private sealed record Entry(
        DateTimeOffset Until, SecurityKey Key, string Issuer, string[] Audiences, ClaimsIdentity Identity, TokenValidationResult First)
    {
        public bool StillHolds(TokenValidationParameters parameters, DateTimeOffset now) =>
            now < Until && Trusts(parameters) && IssuerAccepted(parameters) && AudienceAccepted(parameters);

        // The same key object, or one with the same id and the same key material: the configuration manager hands out
        // new objects when it re-reads Identity's key set.
        private bool Trusts(TokenValidationParameters parameters)
        {
            if (parameters.IssuerSigningKey is { } single && Same(single))
            {
                return true;
            }
            if (parameters.IssuerSigningKeys is { } keys)
            {
                foreach (var candidate in keys)
                {
                    if (Same(candidate))
                    {
                        return true;
                    }
                }
            }
            return false;
        }

        private bool Same(SecurityKey candidate) =>
            ReferenceEquals(candidate, Key)
            || (candidate.KeyId is { } id && string.Equals(id, Key.KeyId, StringComparison.Ordinal)
                && candidate.CanComputeJwkThumbprint() && Key.CanComputeJwkThumbprint()
                && candidate.ComputeJwkThumbprint().AsSpan().SequenceEqual(Key.ComputeJwkThumbprint()));

        private bool IssuerAccepted(TokenValidationParameters parameters) =>
            !parameters.ValidateIssuer
            || string.Equals(parameters.ValidIssuer, Issuer, StringComparison.Ordinal)
            || (parameters.ValidIssuers?.Contains(Issuer, StringComparer.Ordinal) ?? false);

        private bool AudienceAccepted(TokenValidationParameters parameters) =>
            !parameters.ValidateAudience
            || Audiences.Any(a => string.Equals(parameters.ValidAudience, a, StringComparison.Ordinal)
                || (parameters.ValidAudiences?.Contains(a, StringComparer.Ordinal) ?? false));

        public TokenValidationResult Answer() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = First.SecurityToken,
            Issuer = First.Issuer,
            TokenType = First.TokenType,
            TokenContext = First.TokenContext,
        };
    }
}
