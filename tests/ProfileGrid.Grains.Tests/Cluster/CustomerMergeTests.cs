using ProfileGrid.Customers;
using ProfileGrid.Events;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Merging an anonymous profile into a known customer: everything combines and nothing counts twice, calls to the
/// anonymous profile go to the customer afterwards, and merges are safe with events arriving at both profiles
/// meanwhile and with other merges racing them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CustomerMergeTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Counters_activity_seen_times_channels_and_missing_traits_combine_and_the_merge_is_recorded()
    {
        var (known, anonymous) = (NewCustomer(), NewAnonymous());
        var start = Clock.GetUtcNow();
        await Customer(anonymous).ApplyEvents(Producer, [Event("a1", "page_view", start.AddHours(-30), channel: "web"), Event("a2", "purchase", start.AddMinutes(-5), 20m, "web")]);
        await Customer(anonymous).MergeTraits(new TraitPatch(new Dictionary<string, string?> { ["plan"] = "\"free\"", ["country"] = "\"DK\"" }, new Dictionary<string, bool> { ["sms"] = true }));
        await Customer(known).ApplyEvents(Producer, [Event("k1", "purchase", start.AddMinutes(-1), 30m, "pos")]);
        await Customer(known).MergeTraits(new TraitPatch(new Dictionary<string, string?> { ["plan"] = "\"gold\"" }, []));

        var seq = await Customer(known).MergeFrom(anonymous, "webshop", [anonymous]);
        var merged = (await Customer(known).GetProfile())!;

        var purchase = Counter(merged, "purchase");
        Assert.Equal((2, 50m), (purchase.LastHour.Count, purchase.LastHour.Sum));
        Assert.Equal((1, 0m), (Counter(merged, "page_view").LastWeek.Count, Counter(merged, "page_view").LastHour.Sum));
        Assert.Equal(0, Counter(merged, "page_view").LastDay.Count);
        Assert.Equal(["a1", "a2", "k1"], merged.RecentActivity.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal(start.AddHours(-30), merged.FirstSeen);
        Assert.Equal(start.AddMinutes(-1), merged.LastSeen);
        Assert.Equal(["pos", "web"], merged.Channels);
        Assert.Equal("\"gold\"", merged.Traits["plan"]);
        Assert.Equal("\"DK\"", merged.Traits["country"]);
        Assert.True(merged.Consent["sms"]);
        var record = Assert.Single(merged.Merges!);
        Assert.Equal((anonymous, "webshop", Clock.GetUtcNow()), (record.From, record.By, record.At));
        Assert.Equal([anonymous], record.Identifiers);
        Assert.Equal(merged.Seq, seq);
    }

    [Fact]
    public async Task An_event_applied_before_the_merge_and_retried_after_it_counts_once()
    {
        var (known, anonymous) = (NewCustomer(), NewAnonymous());
        await Customer(anonymous).ApplyEvents(Producer, [Event("r1", "purchase", value: 10m)]);

        await Customer(known).MergeFrom(anonymous, "webshop", [anonymous]);
        var viaAnonymous = await Customer(anonymous).ApplyEvents(Producer, [Event("r1", "purchase", value: 10m), Event("r2", "purchase", value: 5m)]);
        var viaKnown = await Customer(known).ApplyEvents(Producer, [Event("r1", "purchase", value: 10m)]);

        Assert.Equal([EventOutcome.Duplicate, EventOutcome.Accepted], viaAnonymous.Outcomes);
        Assert.Equal([EventOutcome.Duplicate], viaKnown.Outcomes);
        Assert.Equal((2, 15m), Total(await Customer(known).GetProfile(), "purchase"));
    }

    [Fact]
    public async Task A_retry_through_the_merged_profile_is_checked_before_it_is_answered_as_a_duplicate()
    {
        // As the customer itself answers it: an event the rules refuse is rejected, even with an id already applied
        // (found by the simulation: a retry with a timestamp 11 minutes ahead was a duplicate through the merged profile).
        var (known, anonymous) = (NewCustomer(), NewAnonymous());
        await Customer(anonymous).ApplyEvents(Producer, [Event("f1", "purchase", value: 10m)]);
        await Customer(known).MergeFrom(anonymous, "webshop", [anonymous]);
        var ahead = Event("f1", "purchase", Clock.GetUtcNow().AddMinutes(11), 10m);

        var viaAnonymous = await Customer(anonymous).ApplyEvents(Producer, [ahead, Event("f1", "purchase", value: 10m)]);
        var viaKnown = await Customer(known).ApplyEvents(Producer, [ahead]);

        Assert.Equal([EventOutcome.Rejected, EventOutcome.Duplicate], viaAnonymous.Outcomes);
        Assert.Equal(EventLimits.FutureRule, viaAnonymous.Errors[0]);
        Assert.Equal([EventOutcome.Rejected], viaKnown.Outcomes);
        Assert.Equal((1, 10m), Total(await Customer(known).GetProfile(), "purchase"));
    }

    [Fact]
    public async Task After_the_merge_the_anonymous_profile_reads_and_writes_as_the_customer_and_holds_nothing_itself()
    {
        var (known, anonymous) = (NewCustomer(), NewAnonymous());
        await Customer(anonymous).ApplyEvents(Producer, [Event("x1", "page_view")]);

        await Customer(known).MergeFrom(anonymous, "webshop", [anonymous]);
        await Customer(anonymous).MergeTraits(new TraitPatch(new Dictionary<string, string?> { ["plan"] = "\"pro\"" }, []));
        var throughAnonymous = await Customer(anonymous).GetProfile();
        var stored = await new CustomerJournal(FaultableJournalStorage.Shared, SerializerFixture.Codec, anonymous).ReadAsync();

        Assert.Equal(known, throughAnonymous!.CustomerId);
        Assert.Equal("\"pro\"", throughAnonymous.Traits["plan"]);
        Assert.Equal(known, stored.MergedInto);
        Assert.False(stored.HoldsData);
    }

    [Fact]
    public async Task Events_arriving_at_both_profiles_during_the_merge_are_each_counted_once()
    {
        var (known, anonymous) = (NewCustomer(), NewAnonymous());
        await Customer(anonymous).ApplyEvents(Producer, [Event("before", "click")]);

        var toAnonymous = Enumerable.Range(0, 40).Select(i => Customer(anonymous).ApplyEvents(Producer, [Event($"an{i}", "click")]));
        var toKnown = Enumerable.Range(0, 40).Select(i => Customer(known).ApplyEvents(Producer, [Event($"kn{i}", "click")]));
        var merge = Customer(known).MergeFrom(anonymous, "webshop", [anonymous]);
        await Task.WhenAll([.. toAnonymous, .. toKnown, merge]);
        // Retries of every one of them, through either profile, change nothing.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Customer(anonymous).ApplyEvents(Producer, [Event($"an{i}", "click"), Event($"kn{i}", "click")])));

        Assert.Equal((81, 0m), Total(await Customer(known).GetProfile(), "click"));
        Assert.Equal(known, (await Customer(anonymous).GetProfile())!.CustomerId);
    }

    [Fact]
    public async Task Racing_merges_of_one_profile_count_it_once_and_give_it_to_one_customer()
    {
        var (first, second, anonymous) = (NewCustomer(), NewCustomer(), NewAnonymous());
        await Customer(anonymous).ApplyEvents(Producer, [Event("z1", "purchase", value: 7m), Event("z2", "purchase", value: 3m)]);

        var sameTarget = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Settle(Customer(first).MergeFrom(anonymous, "webshop", [anonymous]))));
        var otherTarget = await Settle(Customer(second).MergeFrom(anonymous, "webshop", [anonymous]));

        Assert.All(sameTarget, error => Assert.Null(error));
        Assert.IsType<InvalidOperationException>(otherTarget);
        Assert.Equal((2, 10m), Total(await Customer(first).GetProfile(), "purchase"));
        Assert.Single((await Customer(first).GetProfile())!.Merges!);
        Assert.Null(await Customer(second).GetProfile());
    }

    [Fact]
    public async Task A_merged_customer_read_back_from_storage_is_the_customer_that_was_merged()
    {
        var (known, anonymous) = (NewCustomer(), NewAnonymous());
        await Customer(anonymous).ApplyEvents(Producer, [Event("s1", "purchase", value: 12m), Event("s2", "page_view")]);
        await Customer(known).ApplyEvents(Producer, [Event("s3", "purchase", value: 8m)]);
        await Customer(known).MergeFrom(anonymous, "webshop", [anonymous]);
        var live = (await Customer(known).GetProfile())!;

        var journal = new CustomerJournal(FaultableJournalStorage.Shared, SerializerFixture.Codec, known);
        var read = (await journal.ReadAsync()).ToProfile(known, live.AsOf);

        Assert.Equal(Total(live, "purchase"), Total(read, "purchase"));
        Assert.Equal(Total(live, "page_view"), Total(read, "page_view"));
        Assert.Equal(live.RecentActivity.Select(e => e.Id), read.RecentActivity.Select(e => e.Id));
        Assert.Equal(live.Merges!.Select(m => m.From), read.Merges!.Select(m => m.From));
        Assert.Equal(live.Seq, read.Seq);
    }

    private static async Task<Exception?> Settle(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    private ICustomerGrain Customer(string id) => fixture.Grains.GetGrain<ICustomerGrain>(id);

    private static CounterView Counter(CustomerProfile profile, string type) => profile.Counters.Single(counter => counter.Type == type);

    private static (long Count, decimal Sum) Total(CustomerProfile? profile, string type) =>
        profile!.Counters.SingleOrDefault(counter => counter.Type == type) is { } counter ? (counter.Total.Count, counter.Total.Sum) : (0, 0m);

    private static string NewCustomer() => $"c-{Guid.NewGuid():N}";

    private static string NewAnonymous() => $"anon:{Guid.NewGuid():N}";

    private static CustomerEvent Event(string id, string type, DateTimeOffset? at = null, decimal? value = null, string? channel = "web") =>
        new(id, type, at ?? Clock.GetUtcNow(), value, channel, null);
}
