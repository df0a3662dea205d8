using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Settings;

namespace ProfileGrid.Replay;

public static class ReplayServices
{
    /// <summary>What a silo adds for replays: their options, checked at start, and the wake-up that resumes one after a silo's end.</summary>
    public static IServiceCollection AddReplay(this IServiceCollection services)
    {
        services.AddCheckedOptions<ReplayOptions>();
        services.AddHostedService<ReplayWakeUp>();
        return services;
    }
}
