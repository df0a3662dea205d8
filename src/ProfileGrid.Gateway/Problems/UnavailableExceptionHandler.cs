using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Storage;

namespace ProfileGrid.Gateway.Problems;

/// <summary>
/// Answers 503 with Retry-After when the cluster or its storage cannot serve a request, so producers retry
/// instead of treating it as their fault; anything else falls through to <see cref="InternalErrorHandler"/>.
/// </summary>
internal sealed partial class UnavailableExceptionHandler(
    IProblemDetailsService problems,
    ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            httpContext.Response.StatusCode = badRequest.StatusCode;
            return await problems.TryWriteAsync(new() { HttpContext = httpContext, Exception = exception,
                ProblemDetails = { Status = badRequest.StatusCode, Title = "Bad request", Detail = badRequest.Message } });
        }

        if (!IsTransient(exception)) return false;
        LogUnavailable(logger, exception, httpContext.Request.Method, FailedRoute.Of(httpContext));
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service unavailable",
            Detail = "The profile cluster or its storage is not reachable right now; nothing was changed. Retry shortly.",
        };
        PartlyStoredProblem.TryDescribe(problem, exception, "Retry shortly.");
        return await problems.TryWriteAsync(new() { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    /// <summary>
    /// A failure that retrying can cure: the cluster or storage is unreachable or busy (for a request stored in part,
    /// the failure of its calls). Storage that answers with a row no one can read is not one of them, though the
    /// runtime reports it as an <see cref="OrleansException"/>.
    /// </summary>
    internal static bool IsTransient(Exception exception) =>
        PartlyStoredException.CauseOf(exception) is OrleansException or StorageUnavailableException or TimeoutException or OperationCanceledException
            or System.Net.Sockets.SocketException or IOException
        && !CorruptStateException.IsIn(exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Route} failed because the cluster or its storage is unavailable; answered 503")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string route);
}
