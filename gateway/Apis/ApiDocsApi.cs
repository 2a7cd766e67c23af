using Scalar.AspNetCore;

namespace Tokenizer.Gateway.Apis;

/// <summary>
/// One interactive page (<c>/docs</c>) over every service's OpenAPI document, which the gateway serves at
/// <c>/openapi/{service}/v1.json</c> (proxied routes in configuration). Anonymous: the documents describe the public API.
/// </summary>
public static class ApiDocsApi
{
    public const string DocumentRoutePattern = "/openapi/{documentName}/v1.json";

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference("/docs", options => options
                .WithTitle("Tokenizer API")
                .WithOpenApiRoutePattern(DocumentRoutePattern)
                .AddDocument("tokenadmin", "Tokens (self-service)", isDefault: true)
                .AddDocument("identity", "Accounts, API keys and plans")
                .AddDocument("ledgerdata", "History and holdings (operator)")
                .AddDocument("monitor", "Status (operator)")
                .AddPreferredSecuritySchemes(["Bearer"]))
            .AllowAnonymous();
        return app;
    }
}
