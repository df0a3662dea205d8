using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Testing;

/// <summary>
/// Customer states the size tests and the micro-benchmarks measure: <c>typical</c> (50 events of 5 types over the
/// last 30 days, each applied when it happened, so the ids of all but the last day's events have left the
/// idempotency log; three traits and one consent flag) and
/// <c>hot</c> (a customer with a day of heavy traffic: the idempotency log full at 10,000 ids, every minute of the
/// last hour and hour of the last day counted, a full activity ring), the state a busy customer writes per event.
/// </summary>
public static class SampleCustomers
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static CustomerState Build(string kind) => kind switch
    {
        "typical" => Typical(),
        "hot" => Hot(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "typical or hot"),
    };

    public static CustomerEvent Event(int i, DateTimeOffset at) => new(
        $"evt-{i}", (i % 7) switch { 0 => "purchase", 1 => "cart_add", 2 => "email_open", _ => "page_view" }, at,
        i % 7 == 0 ? 19.99m : null, "web", $$"""{"path":"/products/{{i % 1000}}"}""");

    private static CustomerState Typical()
    {
        string[] types = ["page_view", "page_view", "page_view", "email_open", "cart_add", "purchase", "support_call"];
        string[] channels = ["web", "web", "email", "pos", "call_centre"];
        var random = new Random(7);
        var state = new CustomerState();
        state.Merge(new TraitPatch(
            new() { ["name"] = "\"Ann Lee\"", ["email"] = "\"ann@example.com\"", ["plan"] = "\"gold\"" },
            new() { ["email"] = true }));
        var timestamps = Enumerable.Range(0, 50).Select(_ => Now.AddMinutes(-random.Next(0, 30 * 24 * 60))).Order().ToList();
        foreach (var timestamp in timestamps)
        {
            var type = types[random.Next(types.Length)];
            var customerEvent = new CustomerEvent(
                Guid.NewGuid().ToString(), type, timestamp, type == "purchase" ? random.Next(5, 300) + 0.99m : null,
                channels[random.Next(channels.Length)], type == "page_view" ? $$"""{"path":"/products/{{random.Next(1000)}}"}""" : null);
            state.Apply("webshop", [customerEvent], timestamp);
            state.Compact(timestamp);
        }

        state.Compact(Now);
        state.Seq = 50;
        return state;
    }

    private static CustomerState Hot()
    {
        var state = new CustomerState();
        var scope = IdempotencyLog.ScopeOf("webshop");
        for (var i = 0; i < IdempotencyLog.MaxEntries; i++)
        {
            var at = Now.AddSeconds(-i * 8);
            var customerEvent = Event(i, at);
            state.AppliedEvents.TryAdd(scope, customerEvent.Id, at);
            state.Apply(customerEvent, Now);
        }

        state.Compact(Now);
        state.Seq = IdempotencyLog.MaxEntries;
        return state;
    }
}
