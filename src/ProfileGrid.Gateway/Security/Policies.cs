using Microsoft.AspNetCore.Authorization;

namespace ProfileGrid.Gateway.Security;

/// <summary>The authorization policies routes require, one per kind of access.</summary>
public static class Policies
{
    public const string WriteEvents = "events:write";
    public const string ReadProfiles = "profiles:read";
    public const string Admin = "admin";

    public static AuthorizationBuilder AddProfileGridPolicies(this AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
        .AddPolicy(WriteEvents, policy => policy.RequireRole(nameof(ApiRole.Producer), nameof(ApiRole.Admin)))
        .AddPolicy(ReadProfiles, policy => policy.RequireRole(nameof(ApiRole.Agent), nameof(ApiRole.Admin)))
        .AddPolicy(Admin, policy => policy.RequireRole(nameof(ApiRole.Admin)));
}
