using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using ProfileGrid.Storage;

namespace ProfileGrid.Gateway.Problems;

/// <summary>
/// The last handler: a failure that is neither the request's fault nor a passing outage answers 500 with a problem
/// that says nothing was acknowledged and names the trace id under which the exception is logged, never the
/// exception itself.
/// </summary>
internal sealed class InternalErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        var detail = CorruptStateException.IsIn(exception)
            ? $"The stored state this request needs cannot be read, so nothing was changed; retrying does not help until an operator repairs or erases it (logged under trace id {traceId})."
            : $"ProfileGrid failed to handle the request and acknowledged nothing of it; the failure is logged under trace id {traceId}.";
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new() { HttpContext = httpContext, Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = detail,
            } });
    }
}
