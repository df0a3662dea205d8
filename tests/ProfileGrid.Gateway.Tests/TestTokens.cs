using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Tokens made by the test, signed with the test gateways' key: expired ones, other roles, tampered ones.</summary>
internal static class TestTokens
{
    public static string Sign(string name, string role, DateTimeOffset issuedAt, DateTimeOffset expiresAt, byte[]? key = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "profilegrid",
            Audience = "profilegrid",
            Subject = new ClaimsIdentity([new Claim("name", name), new Claim("role", role)]),
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? GatewayFixture.SigningKey), SecurityAlgorithms.HmacSha256),
        });

    public static string Expired(string name = "test agent", string role = "agent") =>
        Sign(name, role, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(-5));

    /// <summary>The token with its claims rewritten (role admin) and its signature kept.</summary>
    public static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"agent\"", "\"admin\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    public static JsonWebToken Read(string token) => new(token);
}
