using Microsoft.AspNetCore.Http.HttpResults;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>The one place operator command errors take their documented shapes and statuses.</summary>
public static class AdminCommandErrors
{
    public static JsonHttpResult<AdminValidationError> Validation(IReadOnlyList<AdminFieldError> errors) =>
        TypedResults.Json(new AdminValidationError(errors), statusCode: StatusCodes.Status422UnprocessableEntity);

    public static JsonHttpResult<AdminValidationError> Validation(string location, string field, string message, string type) =>
        Validation([new AdminFieldError([location, field], message, type)]);

    public static JsonHttpResult<AdminError> NotFound(string message) => Error(StatusCodes.Status404NotFound, message);

    public static JsonHttpResult<AdminError> Conflict(string message) => Error(StatusCodes.Status409Conflict, message);

    /// <summary>The chain could not be read to check the instrument; nothing was stored, the request may be repeated.</summary>
    public static JsonHttpResult<AdminError> ChainUnavailable(string message) => Error(StatusCodes.Status503ServiceUnavailable, message);

    private static JsonHttpResult<AdminError> Error(int status, string message) => TypedResults.Json(new AdminError(message), statusCode: status);
}
