using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using ProfileGrid.Testing;
using ProfileGrid.Wakeups;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Membership that time alone changes, driven per customer: a customer registers the instant its answer can next
/// change in the wake-up schedule, and is woken then, with no event and no sweep. Each test sends its own event types,
/// so that the segments other tests define leave its customers alone.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WakeupTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_customer_enters_bought_nothing_in_the_last_hour_the_moment_its_purchase_leaves_the_hour()
    {
        var type = NewType("buy");
        var segment = await Define($"{type}.1h == 0 and {type}.total >= 1");
        var id = NewCustomer();
        var recorder = await Subscribe(segment, id);
        var boughtAt = Clock.GetUtcNow();
        await Customer(id).ApplyEvents(Producer, [Event("p1", type)]);
        var leaves = MinuteStart(boughtAt).AddHours(1);

        var registered = await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length > 0, "the customer registered");
        Clock.SetUtcNow(leaves);
        var entered = await recorder.Next(id);

        Assert.Equal([new WakeupEntry(id, leaves)], registered);
        Assert.True(entered.Entered);
        // Woken with the clock at the instant itself: not a minute late, let alone an hour.
        Assert.Equal(leaves, entered.At);
        Assert.Equal([$"{type}.1h = 0", $"{type}.total = 1"], entered.Reasons);
    }

    [Fact]
    public async Task A_customer_leaves_bought_in_the_last_hour_the_moment_its_purchase_leaves_the_hour()
    {
        var type = NewType("buy");
        var segment = await Define($"{type}.1h >= 1");
        var id = NewCustomer();
        var recorder = await Subscribe(segment, id);
        var boughtAt = Clock.GetUtcNow();
        await Customer(id).ApplyEvents(Producer, [Event("p1", type)]);
        var entered = await recorder.Next(id);
        var leaves = MinuteStart(boughtAt).AddHours(1);

        var registered = await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length > 0, "the customer registered");
        Clock.SetUtcNow(leaves);
        var left = await recorder.Next(id);

        Assert.True(entered.Entered);
        Assert.Equal([new WakeupEntry(id, leaves)], registered);
        Assert.False(left.Entered);
        Assert.Equal(leaves, left.At);
        // Woken and gone from the schedule: nothing time does can bring the customer back.
        await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length == 0, "the customer left the schedule");
    }

    [Fact]
    public async Task A_customer_is_woken_once_for_a_run_of_events_and_then_at_the_instant_a_time_since_crosses()
    {
        var type = NewType("visit");
        var segment = await Define($"{type}.last < 1h");
        var id = NewCustomer();
        var recorder = await Subscribe(segment, id);
        var first = Clock.GetUtcNow();
        await Customer(id).ApplyEvents(Producer, [Event("v1", type)]);
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Customer(id).ApplyEvents(Producer, [Event("v2", type)]);
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Customer(id).ApplyEvents(Producer, [Event("v3", type)]);
        var last = Clock.GetUtcNow();

        // Later events move the change later: the registration of the first stays, and wakes the customer to look again.
        var afterEvents = await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length > 0, "the customer registered");
        Clock.SetUtcNow(first.AddHours(1));
        var again = await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length == 1 && entries[0].Due != first.AddHours(1), "registered again once woken");
        Clock.SetUtcNow(last.AddHours(1));
        var left = await recorder.Next(id, skipEntered: true);

        Assert.Equal([new WakeupEntry(id, first.AddHours(1))], afterEvents);
        Assert.Equal([new WakeupEntry(id, last.AddHours(1))], again);
        Assert.False(left.Entered);
        Assert.Equal(last.AddHours(1), left.At);
    }

    [Fact]
    public async Task A_customer_whose_answers_time_cannot_change_registers_nothing()
    {
        var type = NewType("order");
        await Define($"{type}.total >= 1");
        await Define($"{type}_refund.1h >= 1");
        await Define($"trait.plan == \"gold\" and {type}.1h == 0");
        var (basic, gold) = (NewCustomer(), NewCustomer());
        foreach (var (id, plan) in new[] { (basic, "basic"), (gold, "gold") })
        {
            await Customer(id).MergeTraits(new TraitPatch(new() { ["plan"] = $"\"{plan}\"" }, []));
            await Customer(id).ApplyEvents(Producer, [Event("o1", type)]);
        }

        // Gold's order leaving the hour lets it in; nothing that time does changes anything for basic.
        var goldRows = await Eventually.Async(() => RowsHolding(gold), rows => rows.Count == 1, "the gold customer registered");

        Assert.Empty(await RowsHolding(basic));
        Assert.Equal(0, (await StoredState(basic)).WakeupTicks);
        Assert.Equal([new WakeupEntry(gold, MinuteStart(Clock.GetUtcNow()).AddHours(1))], await RegisteredAsync(gold));
        Assert.Single(goldRows);
    }

    [Fact]
    public async Task Customers_whose_answer_cannot_change_cost_no_registration_and_no_wake_up()
    {
        var type = NewType("buy");
        var segment = await Define($"{type}.1h >= 1");
        var prefix = $"cost-{Guid.NewGuid():N}"[..13];
        var buyers = Enumerable.Range(0, 100).Select(i => $"{prefix}-b{i:D3}").ToArray();
        var browsers = Enumerable.Range(0, 100).Select(i => $"{prefix}-v{i:D3}").ToArray();
        await Task.WhenAll(buyers.Select(id => Customer(id).ApplyEvents(Producer, [Event("p1", type)])));
        await Task.WhenAll(browsers.Select(id => Customer(id).ApplyEvents(Producer, [Event("b1", $"{type}_browse")])));

        var registered = await Eventually.Async(() => EntriesStartingWith(prefix), entries => entries.Count == buyers.Length, "every buyer registered");
        await Eventually.Async(() => MembersAmong(segment, buyers), members => members.Length == buyers.Length, "every buyer entered");
        Clock.Advance(TimeSpan.FromMinutes(61));
        await Eventually.Async(() => MembersAmong(segment, buyers), members => members.Length == 0, "every buyer left when the hour passed");
        // Once the purchase left, nothing time does can change the answer again: no new registration.
        await Eventually.Async(() => EntriesStartingWith(prefix), entries => entries.Count == 0, "the woken buyers left the schedule");

        Assert.Equal(buyers, registered.Select(entry => entry.CustomerId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_schedule_survives_its_grains_deactivation_and_catches_up_on_the_minutes_it_missed()
    {
        var type = NewType("cart");
        var segment = await Define($"{type}.1h >= 1");
        var ids = new[] { NewCustomer(), NewCustomer(), NewCustomer() };
        var dues = new List<DateTimeOffset>();
        foreach (var id in ids)
        {
            dues.Add(MinuteStart(Clock.GetUtcNow()).AddHours(1));
            await Customer(id).ApplyEvents(Producer, [Event("c1", type)]);
            Clock.Advance(TimeSpan.FromMinutes(10));
        }

        await Eventually.Async(() => MembersAmong(segment, ids), members => members.Length == ids.Length, "every customer entered");
        var registered = await Eventually.Async(() => Task.WhenAll(ids.Select(RegisteredAsync)), entries => entries.All(entry => entry.Length == 1), "every customer registered");
        await Deactivate(fixture.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key));
        foreach (var (id, due) in ids.Zip(dues)) await Deactivate(fixture.Grains.BucketFor(id, due));

        // Three hours pass at once, as if the scheduler had been down: it reads every minute it missed, at most an hour per tick.
        Clock.Advance(TimeSpan.FromHours(3));
        await Eventually.Async(() => MembersAmong(segment, ids), members => members.Length == 0, "every customer left");
        await Eventually.Async(
            () => fixture.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status(),
            status => status.Cursor > dues.Max(),
            "the cursor passed the minutes it missed");
        var stored = SerializerFixture.Codec.Decode<WakeupSchedulerState>((await WakeupStorage.ReadAsync(WakeupSchedulerGrain.StateKey)).Snapshot!, "scheduler");

        Assert.Equal(ids.Zip(dues, (id, due) => new[] { new WakeupEntry(id, due) }), registered);
        Assert.True(WakeupBuckets.StartOf(stored.Cursor) > dues.Max(), $"stored cursor {WakeupBuckets.StartOf(stored.Cursor):o}");
        // The minutes it finished left no rows behind.
        foreach (var (id, due) in ids.Zip(dues)) Assert.False(await Stored(WakeupBuckets.Key(WakeupBuckets.MinuteOf(due), WakeupBuckets.ShardOf(id))));
    }

    [Fact]
    public async Task A_week_passing_at_once_is_caught_up_reading_only_the_buckets_that_hold_customers()
    {
        var type = NewType("week");
        var segment = await Define($"{type}.7d >= 1");
        var ids = new[] { NewCustomer(), NewCustomer() };
        foreach (var id in ids)
        {
            await Customer(id).ApplyEvents(Producer, [Event("w1", type)]);
            Clock.Advance(TimeSpan.FromHours(30));
        }

        await Eventually.Async(() => MembersAmong(segment, ids), members => members.Length == ids.Length, "every customer entered");
        var registered = await Eventually.Async(() => Task.WhenAll(ids.Select(RegisteredAsync)), entries => entries.All(entry => entry.Length == 1), "every customer registered");
        var dues = registered.Select(entries => entries[0].Due).ToArray();
        // The buckets come back from storage, so that every bucket the scheduler looks at is a read.
        foreach (var (id, due) in ids.Zip(dues)) await Deactivate(fixture.Grains.BucketFor(id, due));
        var before = await fixture.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status();
        WakeupStorage.TakeReads();

        // A week passes at once (the scheduler down, or a simulation's clock): some 10,000 minutes, 32 buckets each.
        Clock.Advance(TimeSpan.FromDays(7));
        await Eventually.Async(() => MembersAmong(segment, ids), members => members.Length == 0, "every customer left");
        await Eventually.Async(
            () => fixture.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status(),
            status => status.Cursor > dues.Max(),
            "the cursor passed the week");
        var read = WakeupStorage.TakeReads().Where(key => WakeupBuckets.TryParse(key, out _, out _)).Distinct().ToList();

        // A week after the events, 30 hours apart, and days after where the cursor stood.
        Assert.Equal(TimeSpan.FromHours(30), dues[1] - dues[0]);
        Assert.True(dues[0] - before.Cursor >= TimeSpan.FromDays(4), $"the cursor stood at {before.Cursor:o}, the first customer is due {dues[0]:o}");
        // The buckets of the two customers' minutes, and no more than a handful of others (those other tests' customers hold).
        Assert.Contains(WakeupBuckets.Key(WakeupBuckets.MinuteOf(dues[0]), WakeupBuckets.ShardOf(ids[0])), read);
        Assert.Contains(WakeupBuckets.Key(WakeupBuckets.MinuteOf(dues[1]), WakeupBuckets.ShardOf(ids[1])), read);
        Assert.True(read.Count <= 50, $"{read.Count} buckets read: {string.Join(", ", read.Take(60))}");
    }

    [Fact]
    public async Task A_registration_stored_only_after_its_minute_was_finished_goes_on_to_the_next_open_minute()
    {
        var id = NewCustomer();
        var due = MinuteStart(Clock.GetUtcNow()).AddMinutes(2);
        var bucket = WakeupBuckets.Key(WakeupBuckets.MinuteOf(due), WakeupBuckets.ShardOf(id));
        var held = WakeupStorage.HoldWritesTo(bucket);
        Task<DateTimeOffset> registering;
        try
        {
            // Taken while the minute is open; its write is slow, and meanwhile the minute ends and the scheduler passes it.
            registering = fixture.Grains.BucketFor(id, due).Register(id, due);
            await held.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Clock.Advance(TimeSpan.FromMinutes(10));
            await Eventually.Async(
                () => fixture.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status(),
                status => status.Cursor > due,
                "the scheduler finished the customer's minute");
        }
        finally
        {
            held.Release();
        }

        var at = await registering;

        Assert.True(at >= Clock.GetUtcNow(), $"registered at {at:o}, which the scheduler had passed (now {Clock.GetUtcNow():o})");
        Assert.False(await Stored(bucket), "the finished minute's row still holds the customer");
        // Woken at the next minute: its bucket is gone once the scheduler took it.
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.Async(() => Stored(WakeupBuckets.Key(WakeupBuckets.MinuteOf(at), WakeupBuckets.ShardOf(id))), stored => !stored, "the customer was woken");
    }

    [Fact]
    public async Task A_change_the_clock_passed_while_the_registration_waited_wakes_the_customer_at_once()
    {
        var (far, near) = (NewType("far"), NewType("near"));
        var farSegment = await Define($"{far}.30d >= 1");
        var nearSegment = await Define($"{near}.1h >= 1");
        // The segments' back-fills would visit the customer (and take the change) if they ran after it is written.
        foreach (var segment in new[] { farSegment, nearSegment }) await BackfillDone(segment);
        var id = NewCustomer();
        var bucketWrites = WakeupStorage.HoldWrites(key => WakeupBuckets.TryParse(key, out _, out _));
        try
        {
            // The first write's registration (a month ahead) is slow; the second write's waits behind it.
            await Customer(id).ApplyEvents(Producer, [Event("f1", far)]);
            await bucketWrites.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Customer(id).ApplyEvents(Producer, [Event("n1", near)]);
            await Eventually.Async(() => MembersAmong(nearSegment, [id]), members => members.Length == 1, "the customer entered the near segment");

            // The first registration is recorded by a write prepared now and stored late (its answers are of now,
            // so this write does not take the change); meanwhile the clock passes the instant the near event leaves the hour.
            FaultableJournalStorage.CloseGate();
            bucketWrites.Release();
            await Eventually.True(() => FaultableJournalStorage.WritesAtGate == 1, "the registration's record waits at the gate");
            Clock.Advance(TimeSpan.FromHours(2));
        }
        finally
        {
            bucketWrites.Release();
            FaultableJournalStorage.OpenGate();
        }

        // The second registration, counted from the answers' evaluation, is due already: the customer is woken and leaves.
        await Eventually.Async(() => MembersAmong(nearSegment, [id]), members => members.Length == 0, "the customer left the near segment", TimeSpan.FromSeconds(15));
        Assert.Equal([id], await MembersAmong(farSegment, [id]));
    }

    [Fact]
    public async Task A_customer_woken_registers_a_change_later_in_the_same_minute_and_is_woken_for_it_too()
    {
        var (first, second) = (NewType("first"), NewType("second"));
        var firstSegment = await Define($"{first}.last < 1h");
        var secondSegment = await Define($"{second}.last < 1h");
        foreach (var segment in new[] { firstSegment, secondSegment }) await BackfillDone(segment);
        var id = NewCustomer();
        // Half a minute apart, early in a minute: the two answers change an hour later, in one minute (one bucket).
        Clock.SetUtcNow(MinuteStart(Clock.GetUtcNow()).AddMinutes(1).AddSeconds(5));
        var firstAt = Clock.GetUtcNow();
        await Customer(id).ApplyEvents(Producer, [Event("e1", first)]);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await Customer(id).ApplyEvents(Producer, [Event("e2", second)]);
        await Eventually.Async(() => MembersAmong(secondSegment, [id]), members => members.Length == 1, "the customer entered both");

        // Between the two changes: woken for the first, it registers the second in the bucket it is being taken from.
        Clock.SetUtcNow(firstAt.AddHours(1).AddSeconds(10));
        await Eventually.Async(() => MembersAmong(firstSegment, [id]), members => members.Length == 0, "the customer left the first segment");
        Clock.SetUtcNow(firstAt.AddHours(1).AddSeconds(40));

        await Eventually.Async(() => MembersAmong(secondSegment, [id]), members => members.Length == 0, "the customer left the second segment", TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_erased_customer_leaves_the_schedule_and_no_bucket_row_holds_its_id()
    {
        var type = NewType("buy");
        await Define($"{type}.1h >= 1");
        var id = NewCustomer();
        await Customer(id).ApplyEvents(Producer, [Event("p1", type)]);
        var before = await Eventually.Async(() => RowsHolding(id), rows => rows.Count > 0, "the customer registered");

        await Customer(id).EraseProfile();
        var tombstone = await StoredState(id);

        Assert.Single(before);
        Assert.Empty(await RowsHolding(id));
        // The tombstone is registered nowhere (so no write after the erasure registered it again).
        Assert.True(tombstone.IsErased);
        Assert.Equal(0, tombstone.WakeupTicks);
    }

    [Fact]
    public async Task An_erased_customer_leaves_every_bucket_the_scheduler_has_yet_to_take_whether_its_state_names_it_or_not()
    {
        // Its state names one bucket; a registration it lost track of (the scheduler days behind, an activation gone
        // while one was on its way) holds it in another bucket that the scheduler has not taken yet.
        var type = NewType("lost");
        await Define($"{type}.1h >= 1");
        var id = NewCustomer();
        await Customer(id).ApplyEvents(Producer, [Event("l1", type)]);
        var named = await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length == 1, "the customer registered");
        var lost = Clock.GetUtcNow().AddSeconds(30);
        await fixture.Grains.BucketFor(id, lost).Register(id, lost);
        Assert.Equal(2, (await RegisteredAsync(id)).Length);

        await Customer(id).EraseProfile();

        Assert.Empty(await RowsHolding(id));
        Assert.NotEqual(WakeupBuckets.MinuteOf(named[0].Due), WakeupBuckets.MinuteOf(lost));
    }

    [Fact]
    public async Task An_erased_customer_leaves_a_bucket_it_registered_in_whose_record_failed_after_its_activation_ended()
    {
        // The bucket holds the customer, then every customer write fails until the activation has ended: the next
        // activation knows only what was stored, and an hour ahead is past what the scheduler forgets on an erasure.
        // (A registration recorded after the bucket held it, with the record failing, left the id there until its
        // minute: a year for a 365d rule; the Azurite simulation found it.)
        var type = NewType("orphan");
        await Define($"{type}.1h >= 1");
        var id = NewCustomer();
        var at = Clock.GetUtcNow();
        var held = WakeupStorage.HoldWritesTo(WakeupBuckets.Key(WakeupBuckets.MinuteOf(at.AddHours(1)), WakeupBuckets.ShardOf(id)));
        try
        {
            await Customer(id).ApplyEvents(Producer, [new CustomerEvent("o1", type, at, null, "web", null)]);
            await held.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            FaultableJournalStorage.FailWrites = true;
        }
        finally
        {
            held.Release();
        }

        try
        {
            await Eventually.Async(() => RegisteredAsync(id), entries => entries.Length == 1, "the bucket holds the customer");
            await Deactivate(Customer(id));
            await Eventually.Async(() => ActivationsOf(id), count => count == 0, "the customer's activation ended", TimeSpan.FromSeconds(30));
        }
        finally
        {
            FaultableJournalStorage.FailWrites = false;
        }

        await Customer(id).EraseProfile();

        Assert.Empty(await RowsHolding(id));
    }

    /// <summary>How many activations the cluster has of the customer.</summary>
    private async Task<int> ActivationsOf(string customerId)
    {
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Count(statistic => statistic.GrainId.Key.ToString() == customerId);
    }

    [Fact]
    public async Task An_erased_customer_leaves_the_buckets_of_minutes_a_scheduler_far_behind_has_yet_to_take()
    {
        // A customer woken whose bucket is slow to write holds the scheduler in its minute while the clock moves on
        // 90 minutes; another customer's registration waits in a minute between, which erasure finds by a listing.
        var type = NewType("slow");
        await Define($"{type}.1h >= 1");
        var blocker = NewCustomer();
        // Of another shard: the erasure must not need the held bucket itself (it would wait for its write, with the test).
        var erased = NewCustomer();
        while (WakeupBuckets.ShardOf(erased) == WakeupBuckets.ShardOf(blocker)) erased = NewCustomer();
        await Customer(blocker).ApplyEvents(Producer, [Event("s1", type)]);
        var due = (await Eventually.Async(() => RegisteredAsync(blocker), entries => entries.Length == 1, "the first customer registered"))[0].Due;
        await Customer(erased).ApplyEvents(Producer, [Event("e1", NewType("plain"))]);
        var waiting = due.AddMinutes(20);
        await fixture.Grains.BucketFor(erased, waiting).Register(erased, waiting);
        var held = WakeupStorage.HoldWritesTo(WakeupBuckets.Key(WakeupBuckets.MinuteOf(due), WakeupBuckets.ShardOf(blocker)));
        try
        {
            Clock.Advance(TimeSpan.FromMinutes(90));
            await held.Waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var status = await fixture.Grains.GetGrain<IWakeupSchedulerGrain>(IWakeupSchedulerGrain.Key).Status();
            Assert.True(status.Cursor <= due, $"the scheduler stands at {status.Cursor:o}, past {due:o}");

            await Customer(erased).EraseProfile();

            Assert.Empty(await RowsHolding(erased));
        }
        finally
        {
            held.Release();
        }
    }

    [Fact]
    public async Task A_merged_profile_whose_activation_ended_leaves_the_schedule_when_its_customer_is_erased()
    {
        // The merged profile keeps its registration (the customer it was merged into takes over its wake-up, and it
        // leaves the bucket in the background); if that is still to happen when the customer is erased, the purge of a
        // profile whose state was not read yet must read it to find the bucket.
        var (anonymous, known, registered, _) = await MergedAfterRegistering("gone");
        // Put the merged profile back in its old bucket, as a registration still on its way would have it, and end its activation.
        await fixture.Grains.BucketFor(anonymous, registered.Due).Register(anonymous, registered.Due);
        await Deactivate(Customer(anonymous));
        await AppendToJournal(anonymous, new WakeupChange(registered.Due.UtcTicks, Clock.GetUtcNow()));

        await Customer(known).EraseProfile();

        Assert.Empty(await RowsHolding(anonymous));
        Assert.Empty(await RowsHolding(known));
    }

    /// <summary>Appends a change to the customer's stored journal, as an activation would have written it.</summary>
    private static async Task AppendToJournal(string customerId, CustomerChange change)
    {
        var read = await FaultableJournalStorage.StoredAsync(customerId);
        var entry = new CustomerEntry(Replayed(read, customerId).Seq + 1, change.At, [change]);
        await FaultableJournalStorage.Shared.WriteAsync(customerId, read.Version, JournalWrite.Append(SerializerFixture.Codec.Encode(entry, compress: false)));
    }

    /// <summary>The customer's state as its journal stores it.</summary>
    private static async Task<CustomerState> StoredState(string customerId) => Replayed(await FaultableJournalStorage.StoredAsync(customerId), customerId);

    private static CustomerState Replayed(JournalRead read, string customerId)
    {
        var state = SerializerFixture.Codec.Decode<CustomerState>(read.Snapshot!, customerId);
        foreach (var entry in read.Entries) SerializerFixture.Codec.Decode<CustomerEntry>(entry, customerId).Replay(state);
        return state;
    }

    /// <summary>An anonymous profile that registered a wake-up, merged into a new customer that took it over: both registrations.</summary>
    private async Task<(string Anonymous, string Known, WakeupEntry Before, WakeupEntry Taken)> MergedAfterRegistering(string name)
    {
        var type = NewType(name);
        await Define($"{type}.1h >= 1");
        var (anonymous, known) = ($"anon:{Guid.NewGuid():N}", NewCustomer());
        await Customer(anonymous).ApplyEvents(Producer, [Event("a1", type)]);
        var before = await Eventually.Async(() => RegisteredAsync(anonymous), entries => entries.Length == 1, "the anonymous profile registered");
        await Customer(known).MergeFrom(anonymous, "test", []);
        var taken = await Eventually.Async(() => RegisteredAsync(known), entries => entries.Length == 1, "the customer registered");
        return (anonymous, known, before[0], taken[0]);
    }

    [Fact]
    public async Task A_profile_merged_into_a_customer_leaves_the_schedule_and_the_customer_takes_its_wake_up()
    {
        var (anonymous, _, before, taken) = await MergedAfterRegistering("cart");

        await Eventually.Async(() => RowsHolding(anonymous), rows => rows.Count == 0, "the merged profile left the schedule");
        Assert.Equal(before.Due, taken.Due);
    }

    private async Task<string> Define(string rule)
    {
        var name = $"w-{Guid.NewGuid():N}"[..20];
        var definition = await fixture.Grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key).Define(name, rule, null, "test");
        // Every silo evaluates a definition at each write once its catalog holds it.
        var catalogs = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(silo => silo.SiloHost.Services.GetRequiredService<SegmentCatalog>()).ToList();
        await Eventually.True(() => catalogs.All(catalog => catalog.Cached()?.Any(segment => segment.Definition == definition) == true), $"every silo knows segment {name}");
        return name;
    }

    private Task<BackfillState> BackfillDone(string segment) => Eventually.Async(
        async () => (await fixture.Grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).Status(segment)).Backfill.State,
        state => state == BackfillState.Done,
        $"the back-fill of {segment} finished");

    /// <summary>Where the customer is registered in the schedule: every bucket entry with its id.</summary>
    private static async Task<WakeupEntry[]> RegisteredAsync(string customerId) =>
        [.. (await EntriesStartingWith(customerId)).Where(entry => entry.CustomerId == customerId)];

    /// <summary>The entries of every bucket row stored, as the buckets read them, of customers whose id starts with <paramref name="prefix"/>.</summary>
    private static async Task<List<WakeupEntry>> EntriesStartingWith(string prefix)
    {
        var entries = new Dictionary<(string Key, string CustomerId), long>();
        foreach (var key in await StoredKeys())
        {
            if (key == WakeupSchedulerGrain.StateKey) continue;
            var read = await WakeupStorage.ReadAsync(key);
            var due = new Dictionary<string, long>(StringComparer.Ordinal);
            if (read.Snapshot is not null)
            {
                var snapshot = SerializerFixture.Codec.Decode<WakeupBucketSnapshot>(read.Snapshot, key);
                for (var i = 0; i < snapshot.Ids.Length; i++) due[snapshot.Ids[i]] = snapshot.DueTicks[i];
            }

            foreach (var entry in read.Entries.Select(bytes => SerializerFixture.Codec.Decode<WakeupBucketEntry>(bytes, key))) due[entry.CustomerId] = entry.DueTicks;
            foreach (var (customerId, ticks) in due.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal))) entries[(key, customerId)] = ticks;
        }

        return [.. entries.Select(pair => new WakeupEntry(pair.Key.CustomerId, new DateTimeOffset(pair.Value, TimeSpan.Zero)))];
    }

    /// <summary>The wake-up rows whose payloads (inflated) hold the text anywhere, in an entry or the snapshot.</summary>
    private static async Task<List<string>> RowsHolding(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var rows = new List<string>();
        foreach (var key in await StoredKeys())
        {
            var read = await WakeupStorage.ReadAsync(key);
            if (key.Contains(text, StringComparison.Ordinal) || read.Entries.Prepend(read.Snapshot ?? []).Any(payload => Readable(payload).AsSpan().IndexOf(bytes) >= 0)) rows.Add(key);
        }

        return rows;
    }

    private static async Task<List<string>> StoredKeys()
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = await WakeupStorage.ListKeysAsync(continuation, JournalKeyPage.MaxSize);
            keys.AddRange(page.Keys);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return keys;
    }

    private static async Task<bool> Stored(string key) => (await WakeupStorage.ReadAsync(key)).Version.Exists;

    /// <summary>A payload as the codec wrote it, Zstandard-compressed ones (a leading 2 and a 4-byte length) inflated.</summary>
    private static byte[] Readable(byte[] payload)
    {
        if (payload.Length <= 5 || payload[0] != 2) return payload;
        using var decompressor = new ZstdSharp.Decompressor();
        return [.. payload, .. decompressor.Unwrap(payload.AsSpan(5)).ToArray()];
    }

    private async Task<string[]> MembersAmong(string segment, string[] ids)
    {
        var members = new List<string>();
        foreach (var shard in ids.GroupBy(SegmentShards.Of))
        {
            var page = await fixture.Grains.For(segment, shard.Key).Members(null, 10_000);
            members.AddRange(page.Select(member => member.CustomerId).Intersect(shard));
        }

        return [.. members];
    }

    private async Task<SegmentRecorder> Subscribe(string segment, string customerId)
    {
        var recorder = new SegmentRecorder();
        await fixture.Grains.For(segment, SegmentShards.Of(customerId)).Subscribe(fixture.Grains.CreateObjectReference<ISegmentObserver>(recorder));
        return recorder;
    }

    private static async Task Deactivate(IAddressable grain) => await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();

    private ICustomerGrain Customer(string id) => fixture.Grains.GetGrain<ICustomerGrain>(id);

    private static string NewCustomer() => $"c-{Guid.NewGuid():N}";

    private static string NewType(string name) => $"{name}_{Guid.NewGuid():N}"[..(name.Length + 9)];

    private static DateTimeOffset MinuteStart(DateTimeOffset instant) => WakeupBuckets.StartOf(WakeupBuckets.MinuteOf(instant));

    private static CustomerEvent Event(string id, string type) => new(id, type, Clock.GetUtcNow(), null, "web", null);

    private sealed class SegmentRecorder : ISegmentObserver
    {
        private readonly Channel<MembershipChange> _changes = Channel.CreateUnbounded<MembershipChange>();

        public Task SegmentChanged(MembershipChange change) => _changes.Writer.WriteAsync(change).AsTask();

        /// <summary>The next change of the customer (optionally past its entering), within the default wait.</summary>
        public async Task<MembershipChange> Next(string customerId, bool skipEntered = false)
        {
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            while (true)
            {
                var change = await _changes.Reader.ReadAsync(timeout.Token);
                if (change.CustomerId == customerId && !(skipEntered && change.Entered)) return change;
            }
        }
    }
}
