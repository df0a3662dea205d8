using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ProfileGrid.Segments.Members;

namespace ProfileGrid.Segments;

public static class SegmentServices
{
    /// <summary>What the customer and segment grains need in a silo (and a gateway, for reads): the definitions cache and the options.</summary>
    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SegmentFailures>();
        services.TryAddSingleton<SegmentCatalog>();
        services.AddOptions<SegmentMembersOptions>().BindConfiguration(SegmentMembersOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegmentMembersOptions>, SegmentMembersOptionsValidator>());
        return services;
    }

    /// <summary>What a silo adds for the segment sweep: its options, checked at start, and the wake-up that resumes it after a silo's end.</summary>
    public static IServiceCollection AddSegmentSweep(this IServiceCollection services)
    {
        services.AddOptions<SegmentSweepOptions>().BindConfiguration(SegmentSweepOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegmentSweepOptions>, SegmentSweepOptionsValidator>());
        services.AddHostedService<SegmentSweepWakeUp>();
        return services;
    }
}
