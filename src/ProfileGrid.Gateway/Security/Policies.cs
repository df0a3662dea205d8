using Microsoft.AspNetCore.Authorization;

namespace ProfileGrid.Gateway.Security;

/// <summary>The authorization policies routes require, one per kind of access.</summary>
public static class Policies
{
    public const string WriteEvents = "events:write";
    public const string ReadProfiles = "profiles:read";
    public const string Admin = "admin";

    /// <summary>Exchanging a key for a token: agents and admins, with the key itself (a token cannot renew itself).</summary>
    public const string ExchangeToken = "token:exchange";

    public static AuthorizationBuilder AddProfileGridPolicies(this AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(new AuthorizationPolicyBuilder(CredentialSchemes.Default).RequireAuthenticatedUser().Build())
        .AddPolicy(WriteEvents, policy => policy.RequireRole(Roles(ApiRole.Producer, ApiRole.Admin)))
        .AddPolicy(ReadProfiles, policy => policy.RequireRole(Roles(ApiRole.Agent, ApiRole.Admin)))
        .AddPolicy(Admin, policy => policy.RequireRole(Roles(ApiRole.Admin)))
        .AddPolicy(ExchangeToken, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireRole(Roles(ApiRole.Agent, ApiRole.Admin)));

    private static string[] Roles(params ApiRole[] roles) => [.. roles.Select(AgentClaims.RoleName)];
}
