using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tokenizer.Identity.Data;
using Tokenizer.Identity.Security;

namespace Tokenizer.Identity.Apis;

/// <summary>
/// OAuth 2.0 token endpoint, client-credentials grant only (RFC 6749 §4.4). Client authentication by HTTP Basic
/// or by <c>client_id</c>/<c>client_secret</c> in the form, not both. Errors as in RFC 6749 §5.2.
/// </summary>
public static class ConnectApi
{
    public sealed record TokenResponse(string access_token, string token_type, int expires_in);
    public sealed record OAuthError(string error, string? error_description);

    public static IEndpointRouteBuilder MapConnectApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", Token).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<TokenResponse>, JsonHttpResult<OAuthError>>> Token(
        HttpContext context, OperatorClientStore clients, Credentials credentials, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        // Tokens must not be cached by anything in between (RFC 6749 §5.1).
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (!context.Request.HasFormContentType)
        {
            return Error(400, "invalid_request", "The request must be application/x-www-form-urlencoded");
        }
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && ex is not BadHttpRequestException)
        {
            return Error(400, "invalid_request", "The form body could not be read");
        }
        var grantType = form["grant_type"].ToString();
        if (string.IsNullOrEmpty(grantType))
        {
            return Error(400, "invalid_request", "grant_type is required");
        }
        if (grantType != "client_credentials")
        {
            return Error(400, "unsupported_grant_type", "Only client_credentials is supported");
        }

        var basic = ReadBasic(context.Request.Headers.Authorization.ToString(), out var malformedBasic);
        var formId = form["client_id"].ToString();
        var formSecret = form["client_secret"].ToString();
        if (malformedBasic || (basic is not null && (formId.Length > 0 || formSecret.Length > 0)))
        {
            return Error(400, "invalid_request", "Use exactly one client authentication method");
        }
        var (clientId, secret) = basic ?? (formId, formSecret);
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(secret) || clientId.Length > 200 || secret.Length > 512)
        {
            return InvalidClient(context, basic is not null);
        }
        var hash = await clients.FindSecretHashAsync(clientId, cancellationToken);
        if (!credentials.Verify(hash, secret))
        {
            return InvalidClient(context, basic is not null);
        }
        var token = await tokens.ForOperatorClientAsync(clientId, cancellationToken);
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)tokens.Lifetime.TotalSeconds));
    }

    private static (string Id, string Secret)? ReadBasic(string header, out bool malformed)
    {
        malformed = false;
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
                return (Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
            }
        }
        catch (FormatException)
        {
        }
        malformed = true;
        return null;
    }

    private static JsonHttpResult<OAuthError> InvalidClient(HttpContext context, bool usedBasic)
    {
        if (usedBasic)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"tokenizer\"";
        }
        return Error(401, "invalid_client", "Client authentication failed");
    }

    private static JsonHttpResult<OAuthError> Error(int status, string error, string description) =>
        TypedResults.Json(new OAuthError(error, description), statusCode: status);
}
