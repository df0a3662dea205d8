using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Wakeups;

/// <summary>
/// Wakes a cluster-wide grain (the segment sweep, the replays) every interval from each silo: its activation resumes
/// work it finds unfinished, so work whose silo ended goes on within that interval without waiting for a caller. One
/// call per silo and interval, where an Orleans reminder would need a reminder table for the same.
/// </summary>
internal sealed partial class SingletonWakeUp(string name, TimeSpan interval, Func<Task> wakeUp, ILogger<SingletonWakeUp> logger) : BackgroundService
{
    /// <summary>Adds a wake-up of <paramref name="name"/> every <paramref name="interval"/> (read from its options at start) by <paramref name="wakeUp"/>.</summary>
    public static IServiceCollection Add<TOptions>(IServiceCollection services, string name, Func<TOptions, TimeSpan> interval, Func<IGrainFactory, Task> wakeUp)
        where TOptions : class =>
        services.AddSingleton<IHostedService>(provider =>
        {
            var grains = provider.GetRequiredService<IGrainFactory>();
            return new SingletonWakeUp(
                name, interval(provider.GetRequiredService<IOptions<TOptions>>().Value), () => wakeUp(grains), provider.GetRequiredService<ILogger<SingletonWakeUp>>());
        });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await wakeUp();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The silo is starting or leaving, or the grain's silo just ended: the next interval tries again.
                    LogWakeUpFailed(logger, exception, name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waking {Name} failed; trying again at the next interval")]
    private static partial void LogWakeUpFailed(ILogger logger, Exception exception, string name);
}
