using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProfileGrid.Settings;
using ProfileGrid.Segments.Members;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Segments;

public static class SegmentServices
{
    /// <summary>What the customer and segment grains need in a silo (and a gateway, for reads): the definitions cache and the options.</summary>
    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SegmentFailures>();
        services.TryAddSingleton<SegmentCatalog>();
        services.AddCheckedOptions<SegmentMembersOptions>();
        services.AddCheckedOptions<Counters.HistoryOptions>();
        return services;
    }

    /// <summary>What a silo adds for the segment sweep: its options, checked at start, and the wake-up that resumes it after a silo's end.</summary>
    public static IServiceCollection AddSegmentSweep(this IServiceCollection services)
    {
        services.AddCheckedOptions<SegmentSweepOptions>();
        SingletonWakeUp.Add<SegmentSweepOptions>(services, "the segment sweep", options => options.ResumeInterval, grains => grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).WakeUp());
        return services;
    }
}
