using Microsoft.AspNetCore.Diagnostics;

namespace ProfileGrid.Gateway.Problems;

/// <summary>
/// The route template of the request an exception handler is handling (<c>/v1/customers/{id}</c>), for its log line:
/// the path may name a customer. The middleware clears the endpoint before handlers run; the feature keeps it.
/// </summary>
internal static class FailedRoute
{
    public static string Of(HttpContext httpContext) =>
        (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
}
