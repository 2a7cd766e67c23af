using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Each service describes its own API (<c>Microsoft.AspNetCore.OpenApi</c>) at <c>/openapi/v1.json</c>; the gateway
/// serves the documents under <c>/openapi/{service}/v1.json</c> with one interactive page.
/// </summary>
public static class OpenApiExtensions
{
    /// <summary>The path every service serves its document at.</summary>
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Adds the service's OpenAPI document with its title and summary.</summary>
    public static TBuilder AddDefaultOpenApi<TBuilder>(this TBuilder builder, string title, string description)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = title;
            document.Info.Version = "v1";
            document.Info.Description = description;
            // The gateway is the public address: relative servers keep "try it" requests on the page's own origin.
            document.Servers = [new Microsoft.OpenApi.OpenApiServer { Url = "/" }];
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Serves the document at <see cref="DocumentPath"/>, without authentication.</summary>
    public static IEndpointConventionBuilder MapDefaultOpenApi(this IEndpointRouteBuilder app) =>
        app.MapOpenApi(DocumentPath).AllowAnonymous().DisableHttpMetrics();
}
