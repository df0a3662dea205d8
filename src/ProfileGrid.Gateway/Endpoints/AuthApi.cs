using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Endpoints;

public static class AuthApi
{
    /// <summary>
    /// <c>POST /v1/auth/token</c>: an agent or admin key in <c>X-Api-Key</c> buys a token for five minutes, which the
    /// dashboard's WebSocket carries as <c>access_token</c> instead of the key.
    /// </summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPolicyGroup("/v1/auth", Policies.ExchangeToken, "Auth").MapPost("/token", Exchange);
        return routes;
    }

    private static Ok<IssuedToken> Exchange(ClaimsPrincipal user, AccessTokenIssuer issuer, HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(issuer.Issue(user));
    }
}
