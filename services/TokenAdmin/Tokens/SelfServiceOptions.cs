namespace Tokenizer.TokenAdmin.Tokens;

/// <summary>Self-service settings (section <c>Platform</c>).</summary>
public sealed class SelfServiceOptions
{
    public const string SectionName = "Platform";

    /// <summary>The platform's public address (the gateway's): ERC721 base URIs and explorer links start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Link for a transaction; <c>{hash}</c> is replaced. Default: the platform's own transaction page.</summary>
    public string? ExplorerUrlTemplate { get; set; }

    /// <summary>False answers every deploy 503 DEPLOY_UNAVAILABLE (for example while the signer is being rotated).</summary>
    public bool DeploysEnabled { get; set; } = true;

    /// <summary>How long a /tokenURI answer is cached in Redis (a metadata change invalidates it sooner).</summary>
    public TimeSpan TokenUriCacheLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public string ExplorerUrl(string hash) =>
        (ExplorerUrlTemplate ?? PublicBaseUrl.TrimEnd('/') + "/tx/{hash}").Replace("{hash}", hash, StringComparison.Ordinal);

    public string TokenUriBase => PublicBaseUrl.TrimEnd('/') + "/tokenURI/";
}
