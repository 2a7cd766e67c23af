using Microsoft.AspNetCore.Diagnostics;
using Tokenizer.Chain.Contracts;
using Tokenizer.Chain.Nonces;
using Tokenizer.Chain.Rpc;
using Tokenizer.ServiceDefaults.Authentication;
using Tokenizer.TokenAdmin.Tokens;

namespace Tokenizer.TokenAdmin.Apis;

/// <summary>
/// The one place the self-service error family is written: documented errors as thrown, unreadable bodies as 422,
/// anything the chain did (unreachable node, revert, no receipt in time) as 502 CHAIN_ERROR, the rest 500 without details.
/// </summary>
public sealed partial class ApiExceptionHandler(TokenAdminMetrics metrics, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, message) = exception switch
        {
            ApiErrorException api => (api.Status, api.Code, api.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, "VALIDATION_ERROR", "Request body is too large"),
            BadHttpRequestException => (422, "VALIDATION_ERROR", "Request body is missing or is not valid JSON for this endpoint"),
            ContractRevertException revert => (502, "CHAIN_ERROR", $"The transaction reverted: {revert.Describe()}"),
            ReceiptTimeoutException timeout => (502, "CHAIN_ERROR", $"Transaction {timeout.Sent.Hash} was not included in time; it may still land"),
            RpcException or RpcTransportException or HttpRequestException or BroadcastOutcomeUnknownException =>
                (502, "CHAIN_ERROR", "The chain node could not be reached or refused the request"),
            _ => (500, "INTERNAL_ERROR", "Internal error"),
        };
        if (code == "CHAIN_ERROR")
        {
            metrics.ChainError();
            LogChainError(logger, context.Request.Path, exception.Message);
        }
        else if (status == 500)
        {
            LogUnhandled(logger, exception, context.Request.Path);
        }
        await ErrorResponses.WriteAsync(context, status, code, message);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chain error on {Path}: {Reason}")]
    private static partial void LogChainError(ILogger logger, PathString path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, PathString path);
}
