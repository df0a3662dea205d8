using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Benchmarks.Memory;

/// <summary>What the probe activates: ProfileGrid's customers, each by one typical event, or the empty reference grain.</summary>
internal sealed record Population(string Grain, Type GrainClass, Func<IGrainFactory, string, Task> Activate)
{
    private const string Producer = "bench";

    public static readonly Population Customers = new("customer", typeof(CustomerGrain), ApplyOneEventAsync);

    public static readonly Population Empty = new("empty", typeof(EmptyGrain), (grains, key) => grains.GetGrain<IEmptyGrain>(key).Touch());

    public static Population Named(string grain) => grain switch
    {
        "customer" => Customers,
        "empty" => Empty,
        _ => throw new ArgumentException($"--grain is customer or empty, not {grain}."),
    };

    /// <summary>A page view as the gateway hands it on: a GUID id, channel web, small properties as compact JSON.</summary>
    private static async Task ApplyOneEventAsync(IGrainFactory grains, string key)
    {
        var path = $"/products/{Random.Shared.Next(5000)}";
        CustomerEvent[] events =
            [new(Guid.NewGuid().ToString(), "page_view", DateTimeOffset.UtcNow, null, "web", $$"""{"path":"{{path}}","referrer":"direct"}""")];
        var result = await grains.GetGrain<ICustomerGrain>(key).ApplyEvents(Producer, events);
        if (result.Outcomes is not [EventOutcome.Accepted]) throw new InvalidOperationException($"Customer {key} did not accept its event: {result.Errors[0]}.");
    }
}
