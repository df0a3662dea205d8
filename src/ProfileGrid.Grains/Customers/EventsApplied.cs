using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>What <see cref="CustomerState.Apply(string, CustomerEvent[], DateTimeOffset)"/> did with each event of a batch.</summary>
public sealed class EventsApplied(int count)
{
    public EventOutcome[] Outcomes { get; } = new EventOutcome[count];

    public string?[] Errors { get; } = new string?[count];

    /// <summary>The events that changed the state, in the order they were sent.</summary>
    public List<CustomerEvent> Applied { get; } = [];

    internal void Accept(int index, CustomerEvent customerEvent)
    {
        Outcomes[index] = EventOutcome.Accepted;
        Applied.Add(customerEvent);
    }

    internal void Reject(int index, string error)
    {
        Outcomes[index] = EventOutcome.Rejected;
        Errors[index] = error;
    }
}
