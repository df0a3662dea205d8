using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Settings;

namespace ProfileGrid.Wakeups;

public static class WakeupServices
{
    /// <summary>
    /// What a silo needs to run the wake-up schedule: the options (checked at start) and the ticker that keeps the
    /// scheduler running. The journal storage <see cref="Customers.StorageNames.Wakeups"/> is the host's to register.
    /// </summary>
    public static IServiceCollection AddWakeups(this IServiceCollection services)
    {
        services.AddCheckedOptions<WakeupOptions>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WakeupTicker>();
        return services;
    }
}
