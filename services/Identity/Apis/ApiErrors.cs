using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Apis;

/// <summary>The self-service error body.</summary>
public sealed record ApiError(string Code, string Message);

/// <summary>Self-service error results (<c>{"code","message"}</c>) with the documented codes.</summary>
public static class ApiErrors
{
    public static JsonHttpResult<ApiError> Validation(string message) => Error(422, "VALIDATION_ERROR", message);
    public static JsonHttpResult<ApiError> Unauthorized(string message) => Error(401, "UNAUTHORIZED", message);
    public static JsonHttpResult<ApiError> Forbidden(string message) => Error(403, "FORBIDDEN", message);
    public static JsonHttpResult<ApiError> NotFound(string message) => Error(404, "NOT_FOUND", message);
    public static JsonHttpResult<ApiError> Conflict(string message) => Error(409, "CONFLICT", message);

    private static JsonHttpResult<ApiError> Error(int status, string code, string message) =>
        TypedResults.Json(new ApiError(code, message), statusCode: status);

    public static bool IsUniqueViolation(this PostgresException ex) => ex.SqlState == PostgresErrorCodes.UniqueViolation;
}

/// <summary>
/// The one place exceptions become responses: unreadable or mistyped JSON is a 422 (413 when too large), a unique
/// violation a 409, anything else a 500 without details. Operator paths get the operator API's shapes.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var path = context.Request.Path;
        var (status, code, message) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, "VALIDATION_ERROR", "Request body is too large"),
            BadHttpRequestException bad => (422, "VALIDATION_ERROR", Describe(bad)),
            PostgresException pg when pg.IsUniqueViolation() => (409, "CONFLICT", "The resource already exists"),
            _ => (500, "INTERNAL_ERROR", "Internal error"),
        };
        if (status == 500)
        {
            LogUnhandled(logger, exception, path);
        }
        context.Response.StatusCode = status;
        var body = ErrorResponses.IsOperatorPath(path) && status == 422
            ? new { detail = new[] { new { loc = new[] { "body" }, msg = message, type = "value_error.jsonformat" } } }
            : ErrorResponses.Body(path, code, message);
        await context.Response.WriteAsJsonAsync(body, cancellationToken);
        return true;
    }

    private static string Describe(BadHttpRequestException exception) =>
        exception.InnerException is JsonException { Path: { Length: > 0 } jsonPath }
            ? $"Request body is not valid JSON for this endpoint (at {jsonPath})"
            : exception.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? "Request body must be application/json"
                : "Request body is missing or is not valid JSON for this endpoint";

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
