using System.Diagnostics;

namespace ProfileGrid.Gateway.Hosting;

/// <summary>
/// One Debug line per request with its method, path, status and duration, and never its query string (which may
/// hold a token): what the hosting diagnostics would say, which <see cref="SecretSafeLogging"/> holds back.
/// </summary>
public static partial class RequestLog
{
    public const string Category = "ProfileGrid.Gateway.Requests";

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                LogRequest(logger, context.Request.Method, context.Request.Path, context.Response.StatusCode, elapsed.TotalMilliseconds);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:F1} ms")]
    private static partial void LogRequest(ILogger logger, string method, PathString path, int statusCode, double elapsedMilliseconds);
}
