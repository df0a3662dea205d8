using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.OpenApi;

/// <summary>
/// Gives each operation the security its route's policy enforces: one requirement per scheme the policy accepts, naming
/// the roles it allows (OpenAPI 3.1 lets a requirement list roles for any scheme). Read from the policies themselves,
/// so the document cannot say other than what the gateway does; a route open to anyone gets none.
/// </summary>
internal sealed class RoleSecurityTransformer(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<WriteKeyAuthentication>().LastOrDefault() is { } writeKey)
        {
            Require(operation, context.Document, [SecuritySchemes.WriteKey], [.. writeKey.Roles.Select(AgentClaims.RoleName)]);
            return;
        }

        if (metadata.OfType<IAllowAnonymous>().Any()) return;
        var policy = await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
            ?? await policies.GetFallbackPolicyAsync();
        if (policy is null) return;

        var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(requirement => requirement.AllowedRoles).Distinct().ToList();
        if (roles.Count == 0) roles = [.. Enum.GetValues<ApiRole>().Select(AgentClaims.RoleName)];
        var schemes = policy.AuthenticationSchemes.Count == 0 || policy.AuthenticationSchemes.Contains(CredentialSchemes.Default)
            ? SecuritySchemes.KeyOrToken
            : [.. policy.AuthenticationSchemes];
        Require(operation, context.Document, schemes, roles);
    }

    private static void Require(OpenApiOperation operation, OpenApiDocument? document, IEnumerable<string> schemes, List<string> roles)
    {
        operation.Security ??= [];
        foreach (var scheme in schemes)
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [.. roles] });
    }
}
