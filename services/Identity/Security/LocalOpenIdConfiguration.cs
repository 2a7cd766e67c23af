using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Tokenizer.Identity.Security;

/// <summary>
/// Identity validates its own tokens from its own key store instead of fetching its discovery document over
/// HTTP (it has no service-discovery entry for itself, and needs none).
/// </summary>
public sealed class LocalOpenIdConfiguration(SigningKeyStore keys, TokenIssuer issuer) : IConfigurationManager<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer.Issuer };
        foreach (var key in await keys.GetPublishedAsync(cancel))
        {
            configuration.SigningKeys.Add(key.Key);
        }
        return configuration;
    }

    public void RequestRefresh()
    {
    }
}

/// <summary>Points the JwtBearer scheme at <see cref="LocalOpenIdConfiguration"/>.</summary>
public sealed class UseLocalOpenIdConfiguration(LocalOpenIdConfiguration configuration) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            options.ConfigurationManager = configuration;
        }
    }

    public void Configure(JwtBearerOptions options) => Configure(JwtBearerDefaults.AuthenticationScheme, options);
}
