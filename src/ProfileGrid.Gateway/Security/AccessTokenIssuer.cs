using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProfileGrid.Gateway.Security;

/// <summary>Issues a token for the key a request authenticated with: the same name, role and scopes, for five minutes.</summary>
public sealed class AccessTokenIssuer(AccessTokenSigningKey signingKey, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(ClaimsPrincipal user)
    {
        var now = clock.GetUtcNow();
        var expiresAt = now + AccessTokens.Lifetime;
        var identity = AgentClaims.Identity(
            user.FindFirstValue(AgentClaims.Name) ?? throw new InvalidOperationException("An authenticated key has a name."),
            user.FindFirstValue(AgentClaims.Role) ?? throw new InvalidOperationException("An authenticated key has a role."),
            user.FindAll(AgentClaims.Scope).Select(claim => claim.Value),
            AccessTokens.SchemeName);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AccessTokens.Issuer,
            Audience = AccessTokens.Audience,
            Subject = identity,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expiresAt);
    }
}
