namespace Tokenizer.Identity;

/// <summary>The <c>Identity</c> configuration section.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";
    public const string DefaultIssuer = "http://127.0.0.1:8080";
    /// <summary>The Development-only operator client; refused anywhere else.</summary>
    public const string DevOperatorClientId = "tokenizer-operator";
    public const string DevOperatorSecret = "dev-operator-secret";

    /// <summary>The <c>iss</c> of every token: the public (gateway) URL.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>Lifetime of user and operator access tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a positive API key look-up stays in the Redis cache.</summary>
    public TimeSpan ApiKeyCacheTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a revoked key's tombstone stays in the cache (longer than any look-up in flight).</summary>
    public TimeSpan ApiKeyTombstoneTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Most active API keys one account may hold.</summary>
    public int MaxActiveApiKeys { get; set; } = 50;

    public SigningKeyOptions SigningKeys { get; set; } = new();

    /// <summary>Operator clients to create at start-up if missing (client id and secret).</summary>
    public List<OperatorClientOptions> OperatorClients { get; set; } = [];
}

public sealed class SigningKeyOptions
{
    /// <summary>A new key is made when the newest one is this old.</summary>
    public TimeSpan RotateAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A new key is published this long before it signs, so validators that cached the JWKS just before the
    /// rotation can refresh (JwtBearer refreshes on an unknown kid at most every 5 minutes) before they see it.
    /// Null: 10 minutes, or 15 seconds in Development (validators there refresh every 10 s).
    /// </summary>
    public TimeSpan? ActivationDelay { get; set; }

    /// <summary>How often a replica re-reads the key set (another replica may have rotated).</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class OperatorClientOptions
{
    public string ClientId { get; set; } = "";
    public string Secret { get; set; } = "";
}
