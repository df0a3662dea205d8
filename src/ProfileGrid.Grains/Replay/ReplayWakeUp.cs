using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Replay;

/// <summary>
/// Wakes the replays every <see cref="ReplayOptions.ResumeInterval"/> from each silo: an activation resumes a replay
/// it finds unfinished, so a replay whose silo ended goes on within that interval without waiting for a caller.
/// </summary>
public sealed partial class ReplayWakeUp(IGrainFactory grains, IOptions<ReplayOptions> options, ILogger<ReplayWakeUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ResumeInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await grains.GetGrain<IReplayGrain>(IReplayGrain.Key).WakeUp();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The silo is starting or leaving, or the replays' silo just ended: the next interval tries again.
                    LogWakeUpFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waking the replays failed; trying again at the next interval")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception);
}
