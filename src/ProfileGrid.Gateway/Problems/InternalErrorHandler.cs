using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using ProfileGrid.Storage;

namespace ProfileGrid.Gateway.Problems;

/// <summary>
/// The last handler: a failure that is neither the request's fault nor a passing outage answers 500 with a problem
/// that says nothing was acknowledged (or, for a request stored in part, what was: <see cref="PartlyStoredProblem"/>)
/// and names the trace id under which the exception is logged, never the exception itself. The log line is the one place the exception is written (the middleware leaves handled ones
/// alone): the trace id as a field, the route rather than the path, which may name a customer.
/// </summary>
internal sealed partial class InternalErrorHandler(IProblemDetailsService problems, ILogger<InternalErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        LogFailed(logger, exception, httpContext.Request.Method, FailedRoute.Of(httpContext), traceId);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Internal error",
            Detail = CorruptStateException.IsIn(exception)
                ? $"The stored state this request needs cannot be read, so nothing was changed; retrying does not help until an operator repairs or erases it (logged under trace id {traceId})."
                : $"ProfileGrid failed to handle the request and acknowledged nothing of it; the failure is logged under trace id {traceId}.",
        };
        PartlyStoredProblem.TryDescribe(problem, exception, $"The failure is logged under trace id {traceId}.");
        return await problems.TryWriteAsync(new() { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Route} failed and was answered 500 under trace id {TraceId}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string route, string traceId);
}
