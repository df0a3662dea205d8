using Microsoft.Extensions.Logging;

namespace ProfileGrid.Hosting;

/// <summary>Keeps a client trying to reach the cluster at start-up, every two seconds, until it is stopped.</summary>
internal sealed partial class RetryUntilConnected(ILogger<RetryUntilConnected> logger) : IClientConnectionRetryFilter
{
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogRetry(logger, exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return !cancellationToken.IsCancellationRequested;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cluster is not reachable yet ({Reason}); retrying")]
    private static partial void LogRetry(ILogger logger, string reason);
}
