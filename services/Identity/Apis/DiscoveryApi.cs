using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.Tokens;
using Tokenizer.Identity.Security;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary>OpenID discovery document and JWKS (anonymous).</summary>
public static class DiscoveryApi
{
    public const string JwksPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/openid-configuration", Configuration).AllowAnonymous();
        app.MapGet(JwksPath, Jwks).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Endpoint URLs are given as the caller reached us: through the gateway (its X-Forwarded-Host) for clients,
    /// directly (service discovery) for the services' JwtBearer handlers, so neither depends on the other path.
    /// The issuer is always the configured public one.
    /// </summary>
    public static JsonHttpResult<JsonObject> Configuration(HttpContext context, TokenIssuer tokens)
    {
        var baseUrl = BaseUrl(context.Request);
        return TypedResults.Json(new JsonObject
        {
            ["issuer"] = tokens.Issuer,
            ["jwks_uri"] = baseUrl + JwksPath,
            ["token_endpoint"] = baseUrl + "/connect/token",
            ["grant_types_supported"] = new JsonArray("client_credentials"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post"),
            ["response_types_supported"] = new JsonArray("token"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray(SecurityAlgorithms.EcdsaSha256),
            ["claims_supported"] = new JsonArray(TokenizerClaims.Subject, TokenizerClaims.Email, TokenizerClaims.Plan, TokenizerClaims.Role, "iss", "aud", "exp", "iat"),
        });
    }

    public static async Task<JsonHttpResult<JsonObject>> Jwks(SigningKeyStore keys, CancellationToken cancellationToken)
    {
        var published = await keys.GetPublishedAsync(cancellationToken);
        var array = new JsonArray();
        foreach (var key in published)
        {
            var parameters = key.Key.ECDsa.ExportParameters(includePrivateParameters: false);
            array.Add(new JsonObject
            {
                ["kty"] = "EC",
                ["use"] = "sig",
                ["alg"] = SecurityAlgorithms.EcdsaSha256,
                ["kid"] = key.Kid,
                ["crv"] = "P-256",
                ["x"] = Base64UrlEncoder.Encode(parameters.Q.X),
                ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
            });
        }
        return TypedResults.Json(new JsonObject { ["keys"] = array });
    }

    private static string BaseUrl(HttpRequest request)
    {
        var host = First(request.Headers["X-Forwarded-Host"].ToString()) ?? request.Host.Value;
        var scheme = First(request.Headers["X-Forwarded-Proto"].ToString()) ?? request.Scheme;
        if (scheme is not ("http" or "https") || !Uri.TryCreate($"{scheme}://{host}", UriKind.Absolute, out var uri))
        {
            uri = new Uri($"{request.Scheme}://{request.Host.Value}");
        }
        return uri.GetLeftPart(UriPartial.Authority);
    }

    private static string? First(string header) =>
        header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
}
