using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Settings;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Replay;

public static class ReplayServices
{
    /// <summary>What a silo adds for replays: their options, checked at start, and the wake-up that resumes one after a silo's end.</summary>
    public static IServiceCollection AddReplay(this IServiceCollection services)
    {
        services.AddCheckedOptions<ReplayOptions>();
        SingletonWakeUp.Add<ReplayOptions>(services, "the replays", options => options.ResumeInterval, grains => grains.GetGrain<IReplayGrain>(IReplayGrain.Key).WakeUp());
        return services;
    }
}
