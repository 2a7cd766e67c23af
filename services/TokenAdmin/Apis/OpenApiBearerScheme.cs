using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>
/// Declares the self-service API's bearer authentication in the OpenAPI document, so the docs page's "try it" can send
/// a JWT or an <c>mw_</c> API key (the public /tokenURI and /tx pages ignore it).
/// </summary>
public static class OpenApiBearerScheme
{
    public const string Name = "Bearer";

    public static Task ApplyAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[Name] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The JWT from POST /auth/signup or /auth/signin, or an mw_ API key",
        };
        document.Security ??= new List<OpenApiSecurityRequirement>();
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Name, document)] = new List<string>() });
        return Task.CompletedTask;
    }
}
