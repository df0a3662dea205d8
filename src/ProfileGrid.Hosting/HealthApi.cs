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
        routes.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        routes.MapGet("/readyz", Ready).AllowAnonymous();
        return routes;
    }

    private static async Task<ContentHttpResult> Ready(ReadinessCache readiness, HttpResponse response)
    {
        var report = await readiness.GetAsync();
        response.Headers.CacheControl = "no-store, no-cache";
        var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        return TypedResults.Text(report.Status.ToString(), "text/plain", statusCode: status);
    }
}
