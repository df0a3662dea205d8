using System.Security.Claims;

namespace ProfileGrid.Gateway.Security;

/// <summary>
/// The claims a key and the token exchanged for it both carry, under the same short types, so that everything
/// downstream (policies, the hub, WhoAmI) reads one identity whichever way the caller authenticated.
/// </summary>
public static class AgentClaims
{
    public const string Name = "name";
    public const string Role = "role";
    public const string Scope = "scope";

    /// <summary>The role as configured and as the policies require it: <c>producer</c>, <c>agent</c> or <c>admin</c>.</summary>
    public static string RoleName(ApiRole role) => role switch
    {
        ApiRole.Producer => "producer",
        ApiRole.Agent => "agent",
        ApiRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a role."),
    };

    public static ClaimsIdentity Identity(string name, string role, IEnumerable<string> scopes, string authenticationType)
    {
        var claims = new List<Claim> { new(Name, name), new(Role, role) };
        foreach (var scope in scopes) claims.Add(new Claim(Scope, scope));
        return new ClaimsIdentity(claims, authenticationType, Name, Role);
    }
}
