using ProfileGrid.Customers;
using ProfileGrid.Events;
using Xunit.Abstractions;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>A quiet customer must cost little to store: a typical month of 50 events.</summary>
public sealed class StateSizeTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    internal static CustomerState TypicalCustomer(int events = 50)
    {
        string[] types = ["page_view", "page_view", "page_view", "email_open", "cart_add", "purchase", "support_call"];
        string[] channels = ["web", "web", "email", "pos", "call_centre"];
        var random = new Random(7);
        var state = new CustomerState();
        state.Merge(new TraitPatch(
            new() { ["name"] = "\"Ann Lee\"", ["email"] = "\"ann@example.com\"", ["plan"] = "\"gold\"" },
            new() { ["email"] = true }));
        for (var i = 0; i < events; i++)
        {
            var timestamp = Now.AddMinutes(-random.Next(0, 30 * 24 * 60));
            var type = types[random.Next(types.Length)];
            var customerEvent = new CustomerEvent(
                Guid.NewGuid().ToString(), type, timestamp, type == "purchase" ? random.Next(5, 300) + 0.99m : null,
                channels[random.Next(channels.Length)], type == "page_view" ? $$"""{"path":"/products/{{random.Next(1000)}}"}""" : null);
            state.AppliedEvents.TryAdd(IdempotencyLog.ScopeOf("webshop"), customerEvent.Id, Now);
            state.Apply(customerEvent, Now);
        }

        state.Compact(Now);
        state.Seq = events;
        return state;
    }

    [Fact]
    public void A_typical_customers_counters_take_at_most_2_KiB()
    {
        var state = TypicalCustomer();

        var counters = SerializerFixture.Serialize(state.Counters).Length;
        var whole = SerializerFixture.Serialize(state).Length;
        output.WriteLine($"counters: {counters} B, idempotency ids: {SerializerFixture.Serialize(state.AppliedEvents).Length} B, " +
                         $"activity: {SerializerFixture.Serialize(state.Activity).Length} B, whole state: {whole} B");

        Assert.InRange(counters, 1, 2048);
    }

    [Fact]
    public void The_state_round_trips_through_the_serializer()
    {
        var state = TypicalCustomer();

        var copy = SerializerFixture.RoundTrip(state);

        Assert.Equal(state.Counters.View(Now).Select(v => (v.Type, v.LastMonth, v.Total)), copy.Counters.View(Now).Select(v => (v.Type, v.LastMonth, v.Total)));
        Assert.Equal(state.Activity.Events, copy.Activity.Events);
        Assert.Equal(state.Channels, copy.Channels);
        Assert.Equal((state.Seq, state.FirstSeen, state.LastSeen), (copy.Seq, copy.FirstSeen, copy.LastSeen));
        Assert.Equal(state.Traits, copy.Traits);
        Assert.Equal(state.Consent, copy.Consent);
    }
}
