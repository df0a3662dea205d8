using ProfileGrid.Events;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>A valid event on its way to its customer's grain, with its position in the request.</summary>
internal readonly record struct PendingEvent(int Index, string CustomerKey, CustomerEvent Event);
