namespace Tokenizer.Gateway.Security;

/// <summary>The <c>Gateway:Limits</c> section: request body size and Redis-backed rate limits.</summary>
public sealed class GatewayLimitsOptions
{
    public const string Section = "Gateway:Limits";

    /// <summary>Largest request body the gateway forwards (413 above it).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    public RateLimitOptions RateLimits { get; set; } = new();
}

public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Length of one fixed window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>POST /auth/signin</c> per client IP per window.</summary>
    public int SignInPerIp { get; set; } = 10;

    /// <summary><c>POST /auth/signup</c> per client IP per window.</summary>
    public int SignUpPerIp { get; set; } = 5;

    /// <summary>Authenticated requests per user per window, by plan (BASIC, PRO, PRO_PLUS) and for operators (OPERATOR).</summary>
    public Dictionary<string, int> PerUser { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["BASIC"] = 60,
        ["PRO"] = 300,
        ["PRO_PLUS"] = 1200,
        ["OPERATOR"] = 6000,
    };
}
