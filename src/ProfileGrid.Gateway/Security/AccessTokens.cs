using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// The short-lived tokens an agent's API key is exchanged for (<c>POST /v1/auth/token</c>): JWTs signed with
/// HMAC-SHA256, carrying the key's name, role and scopes, so a browser never puts the long-lived key in a URL.
/// </summary>
public static class AccessTokens
{
    public const string SchemeName = "Token";
    public const string Issuer = "profilegrid";
    public const string Audience = "profilegrid";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>How far the clocks of gateway replicas may disagree about a token's expiry.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>When the token <paramref name="user"/> authenticated with expires (its <c>exp</c>); null for an API key, which has no expiry.</summary>
    public static DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        user.FindFirst(JwtRegisteredClaimNames.Exp) is { } exp && long.TryParse(exp.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
