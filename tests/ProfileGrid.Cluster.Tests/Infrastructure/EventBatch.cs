namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>One request body's events; a producer posts the same batch again until it is acknowledged.</summary>
internal sealed record EventBatch(int Producer, int Sequence, IReadOnlyList<TestEvent> Events)
{
    public object Body => new { events = Events.Select(e => new { id = e.Id, type = e.Type, customerId = e.CustomerId, value = e.Value }) };
}
