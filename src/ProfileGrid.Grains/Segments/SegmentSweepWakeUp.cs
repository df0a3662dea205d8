using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Segments;

/// <summary>
/// Wakes the segment sweep every <see cref="SegmentSweepOptions.ResumeInterval"/> from each silo: an activation resumes
/// work it finds unfinished, so a sweep whose silo ended goes on within that interval without waiting for a caller.
/// One call per silo and interval, where an Orleans reminder would need a reminder table for the same.
/// </summary>
public sealed partial class SegmentSweepWakeUp(IGrainFactory grains, IOptions<SegmentSweepOptions> options, ILogger<SegmentSweepWakeUp> logger) : BackgroundService
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
                    await grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).WakeUp();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The silo is starting or leaving, or the sweep's silo just ended: the next interval tries again.
                    LogWakeUpFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waking the segment sweep failed; trying again at the next interval")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception);
}
