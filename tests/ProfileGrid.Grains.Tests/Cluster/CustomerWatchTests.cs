using ProfileGrid.Customers;
using ProfileGrid.Events;

using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CustomerWatchTests(ClusterFixture fixture)
{
    private ICustomerGrain NewCustomer() => fixture.Grains.GetGrain<ICustomerGrain>($"c-{Guid.NewGuid():N}");

    private ICustomerObserver Reference(RecordingObserver observer) => fixture.Cluster.Client.CreateObjectReference<ICustomerObserver>(observer);

    private static CustomerEvent Event(string id) => new(id, "purchase", ClusterFixture.Clock.GetUtcNow(), 2m, null, null);

    [Fact]
    public async Task A_watcher_is_told_every_change_with_the_events_it_applied()
    {
        var customer = NewCustomer();
        var observer = new RecordingObserver();

        Assert.Null(await customer.Watch(Reference(observer), ["Ann"]));
        await customer.ApplyEvents(Producer, [Event("e1"), Event("e2")]);
        await customer.ApplyEvents(Producer, [Event("e2")]);
        await customer.MergeTraits(new TraitPatch(new() { ["plan"] = "\"gold\"" }, []));

        var first = await RecordingObserver.Next(observer.Changes);
        Assert.Equal(1, first.Profile.Seq);
        Assert.Equal(["e1", "e2"], first.Applied.Select(e => e.Id));
        Assert.Equal(new WindowTotal(2, 4m), Assert.Single(first.Profile.Counters).Total);
        var second = await RecordingObserver.Next(observer.Changes);
        Assert.Equal(2, second.Profile.Seq);
        Assert.Empty(second.Applied);
        Assert.Equal("\"gold\"", second.Profile.Traits["plan"]);
    }

    [Fact]
    public async Task Viewers_of_all_gateways_are_merged_and_told_to_every_gateway()
    {
        var customer = NewCustomer();
        var (gatewayA, gatewayB) = (new RecordingObserver(), new RecordingObserver());

        await customer.Watch(Reference(gatewayA), ["Ann"]);
        await customer.Watch(Reference(gatewayB), ["Bob"]);

        Assert.Equal(["Ann"], await RecordingObserver.Next(gatewayA.Viewers));
        Assert.Equal(["Ann", "Bob"], await RecordingObserver.Next(gatewayA.Viewers));
        Assert.Equal(["Ann", "Bob"], await RecordingObserver.Next(gatewayB.Viewers));
        Assert.Equal(2, await customer.GetSubscriptionCount());
    }

    [Fact]
    public async Task Renewing_does_not_add_a_subscription_and_unwatching_ends_it()
    {
        var customer = NewCustomer();
        var observer = new RecordingObserver();
        var reference = Reference(observer);

        await customer.Watch(reference, ["Ann"]);
        await customer.Watch(reference, ["Ann"]);
        Assert.Equal(1, await customer.GetSubscriptionCount());

        await customer.Unwatch(reference);
        await customer.ApplyEvents(Producer, [Event("e1")]);

        Assert.Equal(0, await customer.GetSubscriptionCount());
        await Task.Delay(200);
        Assert.False(observer.Changes.Reader.TryRead(out _));
    }
}
