using Microsoft.Extensions.Options;

namespace ProfileGrid.Destinations;

/// <summary>What a customer grain needs to owe deliveries: the destinations as cached (never a wait) and the queues' partition count.</summary>
public sealed class DestinationHandOff(DestinationCatalog catalog, IOptions<DeliveryOptions> options)
{
    internal IReadOnlyList<Destination>? Destinations => catalog.Cached();

    internal int Partitions => options.Value.Partitions;
}
