using ProfileGrid.Customers;
using ProfileGrid.Events;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>GDPR: a customer's export holds everything stored, and erasure leaves only a tombstone that refuses the rest.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CustomerErasureTests(ClusterFixture fixture)
{
    private static DateTimeOffset Now => ClusterFixture.Clock.GetUtcNow();

    private static CustomerEvent Event(string id, string type = "purchase", decimal? value = null) =>
        new(id, type, Now, value, "web", """{"sku":"A-1","note":"gift for Ann"}""");

    private static TraitPatch Traits() =>
        new(new() { ["name"] = "\"Ann Lee\"", ["email"] = "\"ann@example.com\"" }, new() { ["email_marketing"] = true });

    private (string Id, ICustomerGrain Grain) NewCustomer()
    {
        var id = $"c-{Guid.NewGuid():N}";
        return (id, fixture.Grains.GetGrain<ICustomerGrain>(id));
    }

    [Fact]
    public async Task The_export_holds_the_whole_profile_and_what_else_is_stored()
    {
        var (id, customer) = NewCustomer();
        await customer.ApplyEvents(Producer, [Event("e1", value: 5m), Event("e2", "email_open")]);
        await customer.MergeTraits(Traits());

        var export = await customer.Export();
        var profile = await customer.GetProfile();

        Assert.NotNull(export);
        Assert.Equal(profile!.Seq, export.Profile.Seq);
        Assert.Equal(profile.Traits, export.Profile.Traits);
        Assert.Equal(profile.Consent, export.Profile.Consent);
        Assert.Equal(profile.Counters.Select(c => (c.Type, c.Total, c.LastHour)), export.Profile.Counters.Select(c => (c.Type, c.Total, c.LastHour)));
        Assert.Equal([("email_open", 1L), ("purchase", 1L)], export.Profile.Counters.Select(c => (c.Type, c.Total.Count)).Order());
        Assert.Equal(["e1", "e2"], export.Profile.RecentActivity.Select(e => e.Id).Order());
        Assert.Equal(2, export.RememberedEventIds);
        Assert.Equal((await FaultableJournalStorage.StoredAsync(id)).StoredBytes, export.StoredBytes);
    }

    [Fact]
    public async Task Erasure_leaves_a_tombstone_that_refuses_later_events_and_traits_even_after_reactivation()
    {
        var (id, customer) = NewCustomer();
        await customer.ApplyEvents(Producer, [Event("e1", value: 5m), Event("e2", "email_open")]);
        await customer.MergeTraits(Traits());

        await customer.EraseProfile();

        Assert.Null(await customer.GetProfile());
        Assert.Null(await customer.Export());
        foreach (var pass in new[] { "before", "after reactivation" })
        {
            if (pass != "before") await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            var late = await customer.ApplyEvents(Producer, [Event("e1", value: 5m), Event("e3")]);
            Assert.Equal([EventOutcome.Rejected, EventOutcome.Rejected], late.Outcomes);
            Assert.All(late.Errors, error => Assert.Equal(CustomerLimits.ErasedRule, error));
            var traits = await customer.MergeTraits(Traits());
            Assert.Empty(traits.Traits);
            Assert.Equal(["email", "email_marketing", "name"], traits.Rejected.Select(r => r.Name).Order());
            Assert.Null(await customer.GetProfile());
        }

        // What is stored is one snapshot of the tombstone: no entry of the history survives it.
        var stored = await FaultableJournalStorage.StoredAsync(id);
        Assert.Empty(stored.Entries);
        var tombstone = SerializerFixture.Codec.Decode<CustomerState>(stored.Snapshot!, id);
        Assert.True(tombstone.IsErased);
        Assert.Equal(Now, tombstone.ErasedAt);
        Assert.Empty(tombstone.Traits);
        Assert.Empty(tombstone.Consent);
        Assert.Empty(tombstone.Channels);
        Assert.Equal(0, tombstone.Counters.TypeCount);
        Assert.Empty(tombstone.Activity.Events);
        Assert.Equal(0, tombstone.AppliedEvents.Count);
        Assert.Null(tombstone.FirstSeen);
    }

    [Fact]
    public async Task Watchers_are_told_and_erasing_again_changes_nothing()
    {
        var (id, customer) = NewCustomer();
        await customer.ApplyEvents(Producer, [Event("e1")]);
        var observer = new RecordingObserver();
        await customer.Watch(fixture.Cluster.Client.CreateObjectReference<ICustomerObserver>(observer), ["agent-1"]);

        await customer.EraseProfile();
        var (erased, seq) = await RecordingObserver.Next(observer.Erasures);
        var writes = FaultableJournalStorage.WriteCount;
        await customer.EraseProfile();

        Assert.Equal(id, erased);
        Assert.Equal(2, seq);
        Assert.Equal(writes, FaultableJournalStorage.WriteCount);
    }

    [Fact]
    public async Task A_customer_never_seen_can_be_erased_and_then_refuses_its_events()
    {
        var (_, customer) = NewCustomer();

        await customer.EraseProfile();
        var late = await customer.ApplyEvents(Producer, [Event("e1")]);

        Assert.Equal([EventOutcome.Rejected], late.Outcomes);
        Assert.Null(await customer.GetProfile());
    }
}
