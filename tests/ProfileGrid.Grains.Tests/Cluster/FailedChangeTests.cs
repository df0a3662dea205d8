using ProfileGrid.Customers;
using ProfileGrid.Events;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>A change that fails before it is stored leaves nothing behind: memory equals storage, and a retry applies.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailedChangeTests(ClusterFixture fixture)
{
    private static DateTimeOffset Now => Clock.GetUtcNow();

    private ICustomerGrain NewCustomer() => fixture.Grains.GetGrain<ICustomerGrain>($"c-{Guid.NewGuid():N}");

    private static CustomerEvent Purchase(string id, decimal value) => new(id, "purchase", Now, value, "web", null);

    private static async Task WhileWritesFail(Func<Task> action)
    {
        FaultableJournalStorage.FailWrites = true;
        try
        {
            await action();
        }
        finally
        {
            FaultableJournalStorage.FailWrites = false;
        }
    }

    [Fact]
    public async Task A_batch_whose_write_fails_leaves_the_profile_as_stored_and_its_retry_applies_every_event()
    {
        var customer = NewCustomer();
        await customer.ApplyEvents(Producer, [Purchase("e1", 10m)]);
        var before = (await customer.GetProfile())!;

        await WhileWritesFail(() => Assert.ThrowsAnyAsync<Exception>(() => customer.ApplyEvents(Producer, [Purchase("e2", 1m), Purchase("e3", 2m)])));
        var after = (await customer.GetProfile())!;
        var retry = await customer.ApplyEvents(Producer, [Purchase("e2", 1m), Purchase("e3", 2m)]);

        Assert.Equal(1, after.Seq);
        Assert.Equal(before.Counters.Single().Total, after.Counters.Single().Total);
        Assert.Equal(["e1"], after.RecentActivity.Select(e => e.Id));
        Assert.Equal([EventOutcome.Accepted, EventOutcome.Accepted], retry.Outcomes);
        Assert.Equal(2, retry.Seq);
        Assert.Equal(new WindowTotal(3, 13m), (await customer.GetProfile())!.Counters.Single().Total);
    }

    [Fact]
    public async Task A_batch_that_throws_while_applying_leaves_nothing_and_its_events_are_not_duplicates_on_retry()
    {
        var customer = NewCustomer();
        var poisoned = new CustomerEvent("e2", null!, Now, 1m, null, null);

        await Assert.ThrowsAnyAsync<Exception>(() => customer.ApplyEvents(Producer, [Purchase("e1", 4m), poisoned]));
        var unknown = await customer.GetProfile();
        var retry = await customer.ApplyEvents(Producer, [Purchase("e1", 4m)]);

        Assert.Null(unknown);
        Assert.Equal([EventOutcome.Accepted], retry.Outcomes);
        Assert.Equal(new WindowTotal(1, 4m), (await customer.GetProfile())!.Counters.Single().Total);
    }

    [Fact]
    public async Task A_trait_merge_whose_write_fails_changes_nothing_and_its_retry_applies()
    {
        var customer = NewCustomer();
        var patch = new TraitPatch(new() { ["plan"] = "\"gold\"" }, new() { ["email"] = true });

        await WhileWritesFail(() => Assert.ThrowsAnyAsync<Exception>(() => customer.MergeTraits(patch)));
        var unknown = await customer.GetProfile();
        var retry = await customer.MergeTraits(patch);

        Assert.Null(unknown);
        Assert.Equal(["plan"], retry.Traits);
        Assert.Equal(["email"], retry.Consent);
        Assert.Equal("\"gold\"", (await customer.GetProfile())!.Traits["plan"]);
    }

    [Fact]
    public async Task Values_out_of_range_are_refused_one_by_one_and_sums_stay_exact()
    {
        var customer = NewCustomer();

        var refused = await customer.ApplyEvents(Producer, [Purchase("huge-1", decimal.MaxValue), Purchase("huge-2", decimal.MaxValue)]);
        var unknown = await customer.GetProfile();
        var accepted = await customer.ApplyEvents(Producer,
            [Purchase("max-1", EventLimits.MaxAbsValue), Purchase("max-2", EventLimits.MaxAbsValue), Purchase("max-3", EventLimits.MaxAbsValue)]);

        Assert.Equal([EventOutcome.Rejected, EventOutcome.Rejected], refused.Outcomes);
        Assert.Equal<string?[]>([EventLimits.ValueRule, EventLimits.ValueRule], refused.Errors);
        Assert.Null(unknown);
        Assert.Equal([EventOutcome.Accepted, EventOutcome.Accepted, EventOutcome.Accepted], accepted.Outcomes);
        Assert.Equal(new WindowTotal(3, 3_000_000_000_000_000m), (await customer.GetProfile())!.Counters.Single().LastHour);
    }

    [Fact]
    public async Task An_event_id_is_unique_within_its_producer_only()
    {
        var customer = NewCustomer();

        var shop = await customer.ApplyEvents("webshop", [Purchase("order-1", 5m)]);
        var pos = await customer.ApplyEvents("point-of-sale", [Purchase("order-1", 7m)]);
        var retry = await customer.ApplyEvents("point-of-sale", [Purchase("order-1", 7m)]);

        Assert.Equal([EventOutcome.Accepted], shop.Outcomes);
        Assert.Equal([EventOutcome.Accepted], pos.Outcomes);
        Assert.Equal([EventOutcome.Duplicate], retry.Outcomes);
        Assert.Equal(new WindowTotal(2, 12m), (await customer.GetProfile())!.Counters.Single().Total);
    }

    [Fact]
    public async Task A_merge_that_changes_nothing_creates_no_profile()
    {
        var customer = NewCustomer();
        var writes = FaultableJournalStorage.WriteCount;

        var result = await customer.MergeTraits(new TraitPatch([], []));

        Assert.Equal(0, result.Seq);
        Assert.Empty(result.Traits);
        Assert.Null(await customer.GetProfile());
        Assert.Equal(writes, FaultableJournalStorage.WriteCount);
    }
}
