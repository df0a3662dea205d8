using ProfileGrid.Customers;
using ProfileGrid.Destinations;
using ProfileGrid.Events;

namespace ProfileGrid.Grains.Tests.Destinations;

/// <summary>
/// What a write owes a destination whose events carry a rule (<c>filter.when</c>), planned from the write's changes and
/// the customer as of the write: the events when the rule holds; none when it does not, or when it cannot be evaluated
/// for the customer (a year of a type whose days are kept a month), and the write's other deliveries still go.
/// </summary>
public sealed class DestinationFeedTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("cart_add.1h >= 1", 1)]
    [InlineData("cart_add.1h >= 2", 0)]
    // Not a history type here: its year is not evaluable (not a count of 0, which would hold), so the rule does not hold, and the write is not failed.
    [InlineData("cart_add.365d < 1", 0)]
    public void The_events_go_only_when_the_rule_holds_as_of_the_write(string when, int expected)
    {
        var state = new CustomerState();
        var changes = new List<CustomerChange>
        {
            new EventsChange("web", [new CustomerEvent("e1", "cart_add", Now.AddMinutes(-5), null, "web", null), new CustomerEvent("e2", "cart_abandon", Now, null, "web", null)], Now),
        };
        foreach (var change in changes) change.ApplyTo(state);
        var reminders = Destination.Of(Definition("reminders", new DestinationFilter([], ["cart_abandon"], Traits: false, Consent: false, when)));
        var everything = Destination.Of(Definition("everything", new DestinationFilter([], ["cart_add", "cart_abandon"], Traits: false, Consent: false)));

        var owed = DestinationFeed.Plan("c-1", 1, Now, changes, state, [reminders, everything], () => state.ToProfile("c-1", Now));

        Assert.Equal(expected, owed.Count(delivery => delivery.Destination == "reminders"));
        Assert.Equal(2, owed.Count(delivery => delivery.Destination == "everything"));
    }

    private static DestinationDefinition Definition(string name, DestinationFilter filter) =>
        new(name, "https://hooks.example.com/x", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", [], filter, [], PersonalData: false, Now, "test");
}
