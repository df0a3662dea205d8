using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Wakeups;

/// <summary>
/// Keeps the wake-up scheduler running: from the moment its silo is active until it stops, calls the scheduler every
/// <see cref="WakeupOptions.TickPeriod"/>, which starts its ticks if they are not running (after its silo went away,
/// it is activated on another). One scheduler for the cluster, kept alive by every silo: no reminder table, and no
/// reminder's one-minute floor on the period.
/// </summary>
internal sealed partial class WakeupTicker(IGrainFactory grains, IOptions<WakeupOptions> options, ILogger<WakeupTicker> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(WakeupTicker), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.TickPeriod);
        try
        {
            do
            {
                try
                {
                    await grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Tick();
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    LogTickFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reaching the wake-up scheduler failed; trying again at the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
