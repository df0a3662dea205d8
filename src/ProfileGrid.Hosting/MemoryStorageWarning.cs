using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ProfileGrid.Hosting;

/// <summary>Says at start-up that grain state is only in memory, so no one mistakes it for a durable setup.</summary>
internal sealed partial class MemoryStorageWarning(ILogger<MemoryStorageWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogNotDurable(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "No ProfileGrid:Storage:ConnectionString or ServiceUri is set: grain state is kept in memory and nothing is durable")]
    private static partial void LogNotDurable(ILogger logger);
}
