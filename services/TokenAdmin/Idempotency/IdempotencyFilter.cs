using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Tokenizer.TokenAdmin.Apis;

namespace Tokenizer.TokenAdmin.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on a self-service POST/PUT: a repeat with the same request answers the first success
/// without running the handler (nothing is sent to the chain again); with a different request it is 409 CONFLICT.
/// The request's fingerprint is method, path and the JSON body.
/// </summary>
public sealed class IdempotencyFilter(IdempotencyStore store, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (KeyOf(http) is not { } key)
        {
            return await next(context);
        }
        var userId = RequestContext.RequireUser(http);
        var claim = await store.BeginAsync(userId, key, Fingerprint(http, context.Arguments), http.RequestAborted);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                return TypedResults.Text(claim.Response!, "application/json", Encoding.UTF8, claim.StatusCode);
            case IdempotencyOutcome.Mismatch:
                throw ApiErrorException.Conflict($"{HeaderName} '{key}' was already used with a different request");
            case IdempotencyOutcome.InProgress:
                throw ApiErrorException.Conflict($"A request with {HeaderName} '{key}' is still being processed; repeat it later");
            default:
                break;
        }

        var completed = false;
        try
        {
            var result = await next(context);
            if (result is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success and IValueHttpResult value)
            {
                await store.CompleteAsync(userId, key, success.StatusCode!.Value, JsonSerializer.Serialize(value.Value, json.Value.SerializerOptions));
                completed = true;
            }
            return result;
        }
        finally
        {
            if (!completed)
            {
                await store.AbandonAsync(userId, key);
            }
        }
    }

    /// <summary>The request's key, validated; null when the header is absent.</summary>
    public static string? KeyOf(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return null;
        }
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || !key.All(c => c is >= '!' and <= '~'))
        {
            throw ApiErrorException.Validation($"{HeaderName} must be one value of 1–{MaxKeyLength} visible ASCII characters");
        }
        return key;
    }

    private static string Fingerprint(HttpContext http, IList<object?> arguments)
    {
        var text = new StringBuilder().Append(http.Request.Method).Append(' ').Append(http.Request.Path.Value).Append('\n');
        foreach (var argument in arguments)
        {
            if (argument is JsonElement body)
            {
                text.Append(body.GetRawText());
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
