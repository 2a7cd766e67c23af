using Tokenizer.Identity.Apis;
using Tokenizer.Identity.Data;
using Tokenizer.Identity.Security;
using Tokenizer.ServiceDefaults;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Extensions;

internal static class Extensions
{
    /// <summary>Largest request body Identity reads; the gateway enforces the same limit first.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(ConnectionNames.IdentityDb, typeof(Extensions).Assembly);
        builder.AddRedisClient(ConnectionNames.Redis);
        builder.AddServiceBus(ConnectionNames.Services.Identity);
        builder.AddTransactionalOutbox();
        builder.AddDefaultOpenApi("Tokenizer accounts (Identity)", "Sign-up and sign-in, API keys, the profile and wallet, operator clients and plans.");

        builder.Services.AddOptions<IdentityOptions>().Bind(builder.Configuration.GetSection(IdentityOptions.Section))
            .Validate(o => Uri.TryCreate(o.Issuer, UriKind.Absolute, out _), "Identity:Issuer must be an absolute URL")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Identity:TokenLifetime must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Credentials>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<OperatorClientStore>();
        builder.Services.AddSingleton<SigningKeyStore>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<ApiKeyCacheWriter>();
        builder.Services.AddHostedService<SigningKeyRotator>();

        // Identity resolves API keys from its own database; everything else is the shared setup.
        builder.Services.AddSingleton<IApiKeyResolver, LocalApiKeyResolver>();
        builder.AddDefaultAuthentication();
        builder.Services.AddSingleton<LocalOpenIdConfiguration>();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>, UseLocalOpenIdConfiguration>();

        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        // Binding failures throw, so the exception handler answers them in the documented shape.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.ValueLengthLimit = (int)MaxRequestBodyBytes);
    }

    public static WebApplication MapIdentityApis(this WebApplication app)
    {
        app.MapDefaultOpenApi();
        app.MapDiscoveryApi();
        app.MapAuthApi();
        app.MapApiKeysApi();
        app.MapProfileApi();
        app.MapConnectApi();
        app.MapAdminApi();
        app.MapInternalApi();
        return app;
    }
}
