using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// The customer's latest events by timestamp, newest first, at most <see cref="Capacity"/>, each with a bounded
/// summary of its properties (<see cref="PropertySummary"/>).
/// </summary>
[GenerateSerializer, Alias("pg.ActivityLog")]
public sealed class ActivityLog
{
    public const int Capacity = 50;

    [Id(0)] public List<CustomerEvent> Events { get; set; } = [];

    public void Add(CustomerEvent customerEvent)
    {
        // Events mostly arrive in order, so the insertion point is almost always the front.
        var at = 0;
        while (at < Events.Count && Events[at].Timestamp > customerEvent.Timestamp) at++;
        if (at >= Capacity) return;
        Events.Insert(at, customerEvent with { Properties = PropertySummary.Of(customerEvent.Properties) });
        if (Events.Count > Capacity) Events.RemoveAt(Events.Count - 1);
    }
}
