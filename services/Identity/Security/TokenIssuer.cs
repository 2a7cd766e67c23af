using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tokenizer.ServiceDefaults.Authentication;

namespace Tokenizer.Identity.Security;

/// <summary>Issues ES256 access tokens signed with the active key of <see cref="SigningKeyStore"/>.</summary>
public sealed class TokenIssuer(SigningKeyStore keys, IOptions<IdentityOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan Lifetime => options.Value.TokenLifetime;

    public string Issuer => options.Value.Issuer.TrimEnd('/');

    public Task<string> ForUserAsync(Guid userId, string email, string plan, string role, CancellationToken cancellationToken) =>
        IssueAsync(new Dictionary<string, object>
        {
            [TokenizerClaims.Subject] = userId.ToString(),
            [TokenizerClaims.Email] = email,
            [TokenizerClaims.Plan] = plan,
            [TokenizerClaims.Role] = role,
        }, cancellationToken);

    public Task<string> ForOperatorClientAsync(string clientId, CancellationToken cancellationToken) =>
        IssueAsync(new Dictionary<string, object>
        {
            [TokenizerClaims.Subject] = clientId,
            [TokenizerClaims.ClientId] = clientId,
            [TokenizerClaims.Role] = TokenizerClaims.Roles.Operator,
        }, cancellationToken);

    private async Task<string> IssueAsync(Dictionary<string, object> claims, CancellationToken cancellationToken)
    {
        var key = await keys.GetActiveAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        claims[JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N");
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = TokenizerClaims.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.EcdsaSha256),
        });
    }
}
