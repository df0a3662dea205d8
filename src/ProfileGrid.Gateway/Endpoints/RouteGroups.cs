using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>How the API's routes are grouped and described: a group per area and policy, and the JSON bodies they read.</summary>
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

    /// <summary>
    /// The route reads a JSON body of <typeparamref name="TBody"/>'s shape by hand (<see cref="Ingestion.JsonBody"/>), not
    /// by binding: <typeparamref name="TBody"/> only describes it. The body's problems: 400 malformed or invalid,
    /// 413 over the route's limit, 415 not JSON.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJsonBody<TBody>(this RouteHandlerBuilder route, params string[] otherContentTypes)
        where TBody : notnull
    {
        route.Accepts<TBody>("application/json", otherContentTypes);
        route.ProducesProblem(StatusCodes.Status400BadRequest);
        route.ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        route.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return route;
    }
}
