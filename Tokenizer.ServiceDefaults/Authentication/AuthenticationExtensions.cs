using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Tokenizer.ServiceDefaults;
using Tokenizer.ServiceDefaults.Authentication;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Authentication and authorization every service and the gateway share. A bearer value that starts with
/// <c>mw_</c> is an API key (<see cref="ApiKeyAuthenticationHandler"/>); anything else is an ES256 JWT from
/// Identity, validated with keys from Identity's discovery document and JWKS (no shared secret).
/// </summary>
public static class AuthenticationExtensions
{
    /// <summary>The default scheme: forwards to JWT or API key by the shape of the bearer value.</summary>
    public const string SelectorScheme = "Tokenizer";

    /// <summary>
    /// Adds the schemes, the <c>user</c> and <c>operator</c> policies and the documented 401/403 bodies.
    /// Configuration (all optional): <c>Authentication:Authority</c> (default <c>http://identity</c>, resolved by
    /// service discovery), <c>Identity:Issuer</c> (default: the issuer Identity's discovery document names),
    /// <c>Authentication:RequireHttpsMetadata</c> (default: outside Development),
    /// <c>Authentication:MetadataRefreshInterval</c> (default 5 min, 10 s in Development; must stay shorter than
    /// Identity's signing key activation delay), <c>Authentication:ValidatedTokenCache:Capacity</c> (default 10,000
    /// tokens; 0 validates every request in full) and <c>Authentication:ValidatedTokenCache:MaxAge</c> (default 5 min):
    /// see <see cref="CachingJsonWebTokenHandler"/>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="fallbackPolicy">
    /// The policy for endpoints that name none. Null means <see cref="DenyAll"/> refused unless the endpoint says
    /// otherwise; pass a policy to relax it.
    /// </param>
    public static TBuilder AddDefaultAuthentication<TBuilder>(this TBuilder builder, AuthorizationPolicy? fallbackPolicy = null)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var development = builder.Environment.IsDevelopment();
        var authority = (configuration["Authentication:Authority"] ?? $"http://{ConnectionNames.Services.Identity}").TrimEnd('/');
        var issuer = configuration["Identity:Issuer"];
        var requireHttps = configuration.GetValue("Authentication:RequireHttpsMetadata", !development);
        var refresh = configuration.GetValue("Authentication:MetadataRefreshInterval", development ? TimeSpan.FromSeconds(10) : TimeSpan.FromMinutes(5));
        var cacheCapacity = configuration.GetValue("Authentication:ValidatedTokenCache:Capacity", 10_000);
        var cacheMaxAge = configuration.GetValue("Authentication:ValidatedTokenCache:MaxAge", TimeSpan.FromMinutes(5));
        if (cacheCapacity < 0 || cacheMaxAge <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Authentication:ValidatedTokenCache:Capacity must be 0 or more and MaxAge positive.");
        }

        builder.Services.AddHttpClient(RemoteApiKeyResolver.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.TryAddSingleton<IApiKeyResolver, RemoteApiKeyResolver>();

        builder.Services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "JWT or API key", options =>
                options.ForwardDefaultSelector = context =>
                    ApiKeyAuthenticationHandler.BearerValue(context.Request.Headers.Authorization.ToString()) is { } value
                    && value.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal)
                        ? ApiKeyAuthenticationHandler.SchemeName
                        : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, ILoggerFactory>((options, httpClientFactory, loggerFactory) =>
            {
                options.MetadataAddress = authority + "/.well-known/openid-configuration";
                // The factory's client goes through service discovery, so "http://identity" resolves.
                options.Backchannel = httpClientFactory.CreateClient(RemoteApiKeyResolver.HttpClientName);
                options.RequireHttpsMetadata = requireHttps;
                options.RefreshInterval = refresh;
                options.ConfigurationManager = new JwksConfigurationManager(options.MetadataAddress, options.Backchannel, requireHttps, refresh,
                    loggerFactory.CreateLogger<JwksConfigurationManager>());
                if (cacheCapacity > 0)
                {
                    // Replaces the default JsonWebTokenHandler: same validation, done once per token (see the class).
                    options.TokenHandlers.Clear();
                    options.TokenHandlers.Add(new CachingJsonWebTokenHandler(cacheCapacity, cacheMaxAge));
                }
                options.MapInboundClaims = false; // after the handlers are set: it is applied to each of them
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    // Null: the issuer named by Identity's discovery document is the one accepted.
                    ValidIssuer = string.IsNullOrWhiteSpace(issuer) ? null : issuer.TrimEnd('/'),
                    ValidateAudience = true,
                    ValidAudience = TokenizerClaims.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = TokenizerClaims.Subject,
                    RoleClaimType = TokenizerClaims.Role,
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(TokenizerClaims.Policies.User, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(TokenizerClaims.Role, TokenizerClaims.Roles.User, TokenizerClaims.Roles.Operator))
            .AddPolicy(TokenizerClaims.Policies.Operator, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(TokenizerClaims.Role, TokenizerClaims.Roles.Operator))
            .SetFallbackPolicy(fallbackPolicy ?? DenyAll);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ErrorBodyAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>A policy nobody meets: an endpoint without an explicit policy is refused (401, or 403 when signed in).</summary>
    public static AuthorizationPolicy DenyAll { get; } = new AuthorizationPolicyBuilder()
        .RequireAssertion(_ => false)
        .Build();

    /// <summary>The caller's id (the <c>sub</c> claim) as a user id, when it is one.</summary>
    public static Guid? UserId(this HttpContext context) =>
        Guid.TryParse(context.User.FindFirst(TokenizerClaims.Subject)?.Value, out var id) ? id : null;
}
