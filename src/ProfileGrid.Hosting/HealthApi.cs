using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ProfileGrid.Hosting;

public static class HealthApi
{
    public const string ReadyTag = "ready";

    /// <summary>
    /// <c>/healthz</c>: the process is up. <c>/readyz</c>: it can reach the cluster and its storage, from
    /// <see cref="ReadinessCache"/> (200 <c>Healthy</c>/<c>Degraded</c>, 503 <c>Unhealthy</c>, as the health check middleware answers).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", Live).AllowAnonymous().WithTags("Health").Produces<string>(StatusCodes.Status200OK, "text/plain");
        routes.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health")
            .Produces<string>(StatusCodes.Status200OK, "text/plain").Produces<string>(StatusCodes.Status503ServiceUnavailable, "text/plain");
        return routes;
    }

    /// <summary>Answers as the health check middleware does with no checks to run, as a route that describes itself (OpenAPI).</summary>
    private static ContentHttpResult Live(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store, no-cache";
        return TypedResults.Text(HealthStatus.Healthy.ToString(), "text/plain");
    }

    private static async Task<ContentHttpResult> Ready(ReadinessCache readiness, HttpResponse response)
    {
        var report = await readiness.GetAsync();
        response.Headers.CacheControl = "no-store, no-cache";
        var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return TypedResults.Text(report.Status.ToString(), "text/plain", statusCode: status);
    }
}
