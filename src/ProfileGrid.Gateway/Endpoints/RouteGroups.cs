using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>How the API's routes are grouped: a group per area and policy.</summary>
public static class RouteGroups
{
    /// <summary>A group of routes that one policy authorizes: set here once.</summary>
    public static RouteGroupBuilder MapPolicyGroup(this IEndpointRouteBuilder routes, string prefix, string policy, string tag) =>
        routes.MapGroup(prefix).RequireAuthorization(policy).WithTags(tag).ProducesKeyProblems();

    /// <summary>
    /// The problems every route that takes a key can answer: 401 without a valid one, 403 for a key whose role may not
    /// use the route, 503 while the cluster or storage is out of reach.
    /// </summary>
    public static RouteGroupBuilder ProducesKeyProblems(this RouteGroupBuilder group) => group
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
