using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Gateway.Security;

/// <summary>Rejects oversized bodies before they are forwarded (413 in the route's error shape).</summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next, IOptionsMonitor<GatewayLimitsOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var max = options.CurrentValue.MaxRequestBodyBytes;
        if (context.Request.ContentLength > max)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "VALIDATION_ERROR", $"Request body exceeds {max} bytes");
            return;
        }
        // Chunked bodies carry no length: Kestrel stops reading them at the same limit.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = max;
        }
        await next(context);
    }
}

/// <summary>
/// Rate limits shared by all gateway replicas (Redis): sign-in and sign-up per client IP, then every authenticated
/// request per user by plan. Runs after authentication. When Redis is unreachable it lets requests through
/// (logged): an outage of the limiter does not become an outage of the API.
/// </summary>
public sealed partial class RateLimitMiddleware(RequestDelegate next, IOptionsMonitor<GatewayLimitsOptions> options,
    RedisRateLimiter limiter, ILogger<RateLimitMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limits = options.CurrentValue.RateLimits;
        if (!limits.Enabled)
        {
            await next(context);
            return;
        }
        var request = context.Request;
        try
        {
            if (HttpMethods.IsPost(request.Method) && PerIpBucket(request.Path, limits) is var (name, limit) && limit > 0)
            {
                var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (await RejectAsync(context, $"{name}:ip:{ip}", limit, limits.Window))
                {
                    return;
                }
            }
            if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(TokenizerClaims.Subject)?.Value is { } subject)
            {
                var tier = context.User.IsInRole(TokenizerClaims.Roles.Operator)
                    ? "OPERATOR"
                    : context.User.FindFirst(TokenizerClaims.Plan)?.Value ?? TokenizerClaims.Plans.Basic;
                var perUser = limits.PerUser.TryGetValue(tier, out var figure) ? figure : limits.PerUser.GetValueOrDefault(TokenizerClaims.Plans.Basic, 60);
                if (perUser > 0 && await RejectAsync(context, $"user:{subject}", perUser, limits.Window))
                {
                    return;
                }
            }
        }
        catch (RedisException ex)
        {
            LogLimiterUnavailable(logger, ex.Message);
        }
        await next(context);
    }

    private static (string, int)? PerIpBucket(PathString path, RateLimitOptions limits)
    {
        // Routing ignores a trailing slash, so the limit must too.
        var value = (path.Value ?? "").TrimEnd('/');
        return value.Equals("/auth/signin", StringComparison.OrdinalIgnoreCase) ? ("signin", limits.SignInPerIp)
            : value.Equals("/auth/signup", StringComparison.OrdinalIgnoreCase) ? ("signup", limits.SignUpPerIp)
            : null;
    }

    private async Task<bool> RejectAsync(HttpContext context, string bucket, int limit, TimeSpan window)
    {
        var (allowed, retryAfter) = await limiter.HitAsync(bucket, limit, window);
        if (allowed)
        {
            return false;
        }
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, "RATE_LIMITED", "Too many requests; retry later");
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiter unavailable, request allowed: {Reason}")]
    private static partial void LogLimiterUnavailable(ILogger logger, string reason);
}
