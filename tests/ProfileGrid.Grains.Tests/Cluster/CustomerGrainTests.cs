using ProfileGrid.Customers;
using ProfileGrid.Events;

using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CustomerGrainTests(ClusterFixture fixture)
{
    private static DateTimeOffset Now => ClusterFixture.Clock.GetUtcNow();

    private ICustomerGrain NewCustomer() => fixture.Grains.GetGrain<ICustomerGrain>($"c-{Guid.NewGuid():N}");

    private static CustomerEvent Event(string id, string type = "purchase", decimal? value = null, DateTimeOffset? at = null, string? channel = null) =>
        new(id, type, at ?? Now, value, channel, null);

    private static CounterView Counter(CustomerProfile profile, string type) => Assert.Single(profile.Counters, c => c.Type == type);

    [Fact]
    public async Task Applied_events_are_counted_and_shown_newest_first()
    {
        var customer = NewCustomer();

        var result = await customer.ApplyEvents(Producer, [
            Event("e1", "purchase", 19.99m, Now.AddMinutes(-10), "web"),
            Event("e2", "purchase", 5.01m, Now.AddMinutes(-2), "pos"),
            Event("e3", "page_view", at: Now.AddMinutes(-5), channel: "web"),
        ]);

        Assert.Equal([EventOutcome.Accepted, EventOutcome.Accepted, EventOutcome.Accepted], result.Outcomes);
        var profile = (await customer.GetProfile())!;
        Assert.Equal(1, profile.Seq);
        Assert.Equal(new WindowTotal(2, 25.00m), Counter(profile, "purchase").LastHour);
        Assert.Equal(new WindowTotal(2, 25.00m), Counter(profile, "purchase").Total);
        Assert.Equal(new WindowTotal(1, 0m), Counter(profile, "page_view").LastMonth);
        Assert.Equal(["e2", "e3", "e1"], profile.RecentActivity.Select(e => e.Id));
        Assert.Equal(["pos", "web"], profile.Channels);
        Assert.Equal(Now.AddMinutes(-10), profile.FirstSeen);
        Assert.Equal(Now.AddMinutes(-2), profile.LastSeen);
    }

    [Fact]
    public async Task A_retried_event_is_applied_once()
    {
        var customer = NewCustomer();
        await customer.ApplyEvents(Producer, [Event("e1", value: 10m)]);

        var retry = await customer.ApplyEvents(Producer, [Event("e1", value: 10m), Event("e2", value: 1m), Event("e2", value: 1m)]);

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Accepted, EventOutcome.Duplicate], retry.Outcomes);
        var profile = (await customer.GetProfile())!;
        Assert.Equal(new WindowTotal(2, 11m), Counter(profile, "purchase").Total);
        Assert.Equal(2, profile.Seq);
    }

    [Fact]
    public async Task An_event_more_than_5_minutes_ahead_is_rejected_with_a_reason()
    {
        var customer = NewCustomer();

        var result = await customer.ApplyEvents(Producer, [Event("late", at: Now.AddMinutes(6)), Event("soon", at: Now.AddMinutes(4))]);

        Assert.Equal([EventOutcome.Rejected, EventOutcome.Accepted], result.Outcomes);
        Assert.Equal("timestamp is more than 5 minutes in the future", result.Errors[0]);
        Assert.Null(result.Errors[1]);
        Assert.Equal(1, Counter((await customer.GetProfile())!, "purchase").Total.Count);
    }

    [Fact]
    public async Task Reads_are_as_of_now_and_windows_roll_without_new_events()
    {
        var customer = NewCustomer();
        await customer.ApplyEvents(Producer, [Event("e1", value: 3m)]);

        ClusterFixture.Clock.Advance(TimeSpan.FromMinutes(61));
        var profile = (await customer.GetProfile())!;

        Assert.Equal(new WindowTotal(0, 0m), Counter(profile, "purchase").LastHour);
        Assert.Equal(new WindowTotal(1, 3m), Counter(profile, "purchase").LastDay);
        Assert.Equal(Now, profile.AsOf);
    }

    [Fact]
    public async Task State_and_applied_ids_survive_deactivation()
    {
        var customer = NewCustomer();
        await customer.ApplyEvents(Producer, [Event("e1", value: 2m), Event("e2", "email_open")]);
        await customer.MergeTraits(new TraitPatch(new() { ["name"] = "\"Ann\"" }, new() { ["email"] = true }));

        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var retry = await customer.ApplyEvents(Producer, [Event("e1", value: 2m)]);
        var profile = (await customer.GetProfile())!;

        Assert.Equal([EventOutcome.Duplicate], retry.Outcomes);
        Assert.Equal(2, profile.Seq);
        Assert.Equal(new WindowTotal(1, 2m), Counter(profile, "purchase").Total);
        Assert.Equal("\"Ann\"", profile.Traits["name"]);
        Assert.True(profile.Consent["email"]);
    }

    [Fact]
    public async Task A_failed_write_acknowledges_nothing_and_a_retry_applies_the_event()
    {
        var customer = NewCustomer();
        FaultableJournalStorage.FailWrites = true;
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => customer.ApplyEvents(Producer, [Event("e1", value: 4m)]));
        }
        finally
        {
            FaultableJournalStorage.FailWrites = false;
        }

        Assert.Null(await customer.GetProfile());
        var retry = await customer.ApplyEvents(Producer, [Event("e1", value: 4m)]);

        Assert.Equal([EventOutcome.Accepted], retry.Outcomes);
        Assert.Equal(new WindowTotal(1, 4m), Counter((await customer.GetProfile())!, "purchase").Total);
    }

    [Fact]
    public async Task A_batch_of_one_customer_is_one_state_write()
    {
        var customer = NewCustomer();
        var events = Enumerable.Range(0, 100).Select(i => Event($"e{i}", at: Now.AddSeconds(-i))).ToArray();
        var before = FaultableJournalStorage.WriteCount;

        await customer.ApplyEvents(Producer, events);

        Assert.Equal(before + 1, FaultableJournalStorage.WriteCount);
        Assert.Equal(100, Counter((await customer.GetProfile())!, "purchase").LastHour.Count);
    }

    [Fact]
    public async Task Traits_merge_and_a_null_removes_one()
    {
        var customer = NewCustomer();
        Assert.Null(await customer.GetProfile());

        await customer.MergeTraits(new TraitPatch(new() { ["name"] = "\"Ann\"", ["plan"] = "\"gold\"" }, []));
        var merged = await customer.MergeTraits(new TraitPatch(new() { ["plan"] = null, ["city"] = "\"Oslo\"" }, new() { ["sms"] = false }));
        var profile = (await customer.GetProfile())!;

        Assert.Equal(2, merged.Seq);
        Assert.Equal(["plan", "city"], merged.Traits);
        Assert.Equal(["sms"], merged.Consent);
        Assert.Empty(merged.Rejected);
        Assert.Equal(new Dictionary<string, string> { ["name"] = "\"Ann\"", ["city"] = "\"Oslo\"" }, profile.Traits);
        Assert.Equal(new Dictionary<string, bool> { ["sms"] = false }, profile.Consent);
        Assert.Equal(2, profile.Seq);
    }
}
