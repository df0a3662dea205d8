namespace ProfileGrid.DemoProducer;

/// <summary>One event as <c>POST /v1/events</c> takes it; the id is generated once, so a retry sends the same one.</summary>
internal sealed record OutgoingEvent(string Id, string Type, string CustomerId, string Channel, decimal? Value, IReadOnlyDictionary<string, object> Properties)
{
    public static OutgoingEvent Create(string type, SyntheticCustomer customer, string channel, decimal? value, IReadOnlyDictionary<string, object> properties) =>
        new(Guid.CreateVersion7().ToString(), type, customer.Id, channel, value, properties);

    /// <summary>The event as the producer client sends it (stamped now).</summary>
    public ProfileGrid.Client.ProfileEvent ToProfileEvent() =>
        new(Id, Type, CustomerId, null, DateTimeOffset.UtcNow, Value, Channel, Properties.ToDictionary(p => p.Key, p => (object?)p.Value));
}
