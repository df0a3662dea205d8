using Microsoft.Extensions.DependencyInjection;

namespace ProfileGrid.Storage;

public static class JournalStorageServices
{
    /// <summary>Adds journal storage named <paramref name="name"/> in this process's memory.</summary>
    public static IServiceCollection AddMemoryJournalStorage(this IServiceCollection services, string name)
    {
        services.AddKeyedSingleton<MemoryJournalStorage>(name, (_, _) => new MemoryJournalStorage());
        services.AddKeyedSingleton<IJournalOutbox>(name, (sp, _) => sp.GetRequiredKeyedService<MemoryJournalStorage>(name));
        services.AddKeyedSingleton<IJournalOutbox>(OutboxChannels.ServiceKey(name, OutboxChannel.Deliveries), (sp, _) => sp.GetRequiredKeyedService<MemoryJournalStorage>(name).Outbox(OutboxChannel.Deliveries));
        return services.AddKeyedSingleton<IJournalStorage>(name, (sp, _) => sp.GetRequiredKeyedService<MemoryJournalStorage>(name));
    }
}
