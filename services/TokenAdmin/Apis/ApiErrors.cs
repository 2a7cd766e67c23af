namespace Tokenizer.TokenAdmin.Apis;

/// <summary>The self-service error body.</summary>
public sealed record ApiError(string Code, string Message);

/// <summary>
/// A self-service request that ends in a documented error. Thrown where the reason is found and turned into
/// <c>{"code","message"}</c> in one place (<see cref="ApiExceptionHandler"/>).
/// </summary>
public sealed class ApiErrorException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static ApiErrorException Validation(string message) => new(422, "VALIDATION_ERROR", message);
    public static ApiErrorException BaseUriTooLong(string message) => new(422, "BASE_URI_TOO_LONG", message);
    public static ApiErrorException Forbidden(string message) => new(403, "FORBIDDEN", message);
    public static ApiErrorException NotFound(string message) => new(404, "NOT_FOUND", message);
    public static ApiErrorException Conflict(string message) => new(409, "CONFLICT", message);
    public static ApiErrorException QuotaExceeded(string message) => new(403, "QUOTA_EXCEEDED", message);
    public static ApiErrorException Chain(string message) => new(502, "CHAIN_ERROR", message);
    public static ApiErrorException DeployUnavailable(string message) => new(503, "DEPLOY_UNAVAILABLE", message);
}
