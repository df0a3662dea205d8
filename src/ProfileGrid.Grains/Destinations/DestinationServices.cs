using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProfileGrid.Settings;

namespace ProfileGrid.Destinations;

public static class DestinationServices
{
    /// <summary>What a silo needs to deliver to destinations (docs/destinations.md): the catalog, the sender, the options (checked at start) and the ticker.</summary>
    public static IServiceCollection AddDestinations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddCheckedOptions<DeliveryOptions>();
        services.TryAddSingleton<DestinationCatalog>();
        services.TryAddSingleton<DeliverySender>();
        services.TryAddSingleton<DestinationHandOff>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DeliveryTicker>();
        return services;
    }

    /// <summary>What a gateway needs for the destinations API: the catalog (and the options, for the queues' partitions).</summary>
    public static IServiceCollection AddDestinationCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddCheckedOptions<DeliveryOptions>();
        services.TryAddSingleton<DestinationCatalog>();
        return services;
    }
}
