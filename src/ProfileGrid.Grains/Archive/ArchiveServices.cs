using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProfileGrid.Settings;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Archive;

public static class ArchiveServices
{
    /// <summary>
    /// What a silo needs to archive customer writes: the options (checked at start), the sealing of writes and the ticker that keeps the partitions' archivers running (idle when archiving is off). The keys (<see cref="IArchiveKeys"/>)
    /// and the blob store (<see cref="IArchiveStore"/>) are the host's to register; in memory unless it does.
    /// </summary>
    public static IServiceCollection AddArchive(this IServiceCollection services)
    {
        services.AddCheckedOptions<ArchiveOptions>();
        services.TryAddSingleton<IArchiveKeys, MemoryArchiveKeys>();
        services.TryAddSingleton<IArchiveStore, MemoryArchiveStore>();
        services.AddSingleton<CustomerArchiving>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ArchiveTicker>();
        return services;
    }
}
