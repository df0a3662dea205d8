using System.Security.Claims;

namespace ProfileGrid.Gateway.Security;

/// <summary>Who a caller is, as the key (or the token exchanged for it) says: what the hub's <c>WhoAmI</c> answers.</summary>
public sealed record AgentIdentity(string Name, string Role, string[] Scopes)
{
    public static AgentIdentity Of(ClaimsPrincipal? user) => new(
        user?.FindFirstValue(AgentClaims.Name) ?? "",
        user?.FindFirstValue(AgentClaims.Role) ?? "",
        user is null ? [] : [.. user.FindAll(AgentClaims.Scope).Select(claim => claim.Value)]);
}
