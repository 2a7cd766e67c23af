using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tokenizer.ServiceDefaults.Authentication;

/// <summary>
/// The two error families of the platform: the operator API (<c>/api/admin/*</c>, <c>/data/admin/*</c>,
/// <c>/status</c>) answers <c>{"detail": ...}</c>; everything else (the self-service API) answers
/// <c>{"code","message"}</c>. Shared by the gateway and the services so a 401 looks the same from either.
/// </summary>
public static class ErrorResponses
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>True for paths of the operator API.</summary>
    public static bool IsOperatorPath(PathString path) =>
        path.StartsWithSegments("/api/admin", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/data/admin", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/status", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body for an error on <paramref name="path"/>, in that path's family.</summary>
    public static object Body(PathString path, string code, string message) =>
        IsOperatorPath(path) ? new { detail = message } : new { code, message };

    /// <summary>Writes the error unless the response has started.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(Body(context.Request.Path, code, message), JsonOptions), context.RequestAborted);
    }
}
