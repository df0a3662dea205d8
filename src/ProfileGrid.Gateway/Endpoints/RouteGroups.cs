using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>How the API's routes are grouped: a group per area and policy.</summary>
public static class RouteGroups
{
    /// <summary>
    /// A group of routes that one policy authorizes: set here once, with the problems every route of it can answer
    /// (401 without a key, 403 for a key whose role the policy refuses, 503 while the cluster or storage is out of reach).
    /// </summary>
    public static RouteGroupBuilder MapPolicyGroup(this IEndpointRouteBuilder routes, string prefix, string policy, string tag)
    {
        var group = routes.MapGroup(prefix).RequireAuthorization(policy).WithTags(tag);
        group.ProducesProblem(StatusCodes.Status401Unauthorized);
        group.ProducesProblem(StatusCodes.Status403Forbidden);
        group.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }
}
