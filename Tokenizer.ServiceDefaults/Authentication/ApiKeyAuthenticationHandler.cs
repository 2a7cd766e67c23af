using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>
/// Authenticates <c>Authorization: Bearer mw_...</c>: hashes the key and resolves the hash through
/// <see cref="IApiKeyResolver"/>. The principal carries the same claims as a JWT (sub, email, plan, role).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, IApiKeyResolver resolver)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = BearerValue(Request.Headers.Authorization.ToString());
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (!ApiKeyFormat.IsWellFormed(key))
        {
            return AuthenticateResult.Fail("Malformed API key");
        }

        ApiKeyIdentity? identity;
        try
        {
            identity = await resolver.ResolveAsync(ApiKeyFormat.Hash(key), Context.RequestAborted);
        }
        catch (ApiKeyLookupUnavailableException ex)
        {
            Logger.LogWarning("API key could not be checked: {Reason}", ex.Message);
            return AuthenticateResult.Fail("API key could not be checked");
        }
        if (identity is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key");
        }

        var claims = new List<Claim>
        {
            new(TokenizerClaims.Subject, identity.UserId.ToString()),
            new(TokenizerClaims.Email, identity.Email),
            new(TokenizerClaims.Plan, identity.Plan),
            new(TokenizerClaims.Role, identity.Role),
            new(TokenizerClaims.ApiKeyId, identity.KeyId.ToString()),
        };
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, TokenizerClaims.Subject, TokenizerClaims.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    internal static string? BearerValue(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
