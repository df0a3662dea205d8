using Orleans.Core.Internal;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Testing;
using static ProfileGrid.Grains.Tests.Cluster.ClusterFixture;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// The segment sweep in a cluster of two silos: back-fills of customers stored before a definition, one pass for many
/// definitions, a definition joining a lap in progress, progress that survives the sweep's activation, and the
/// reconciliation of a member set with its customers in both directions.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SegmentSweepClusterTests(ClusterFixture fixture)
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromSeconds(90);

    private ISegmentSweepGrain Sweep => fixture.Grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key);

    [Fact]
    public async Task Customers_stored_before_a_segment_is_defined_are_back_filled_into_it()
    {
        var type = NewType();
        var ids = Enumerable.Range(0, 30).Select(_ => NewCustomer()).ToArray();
        for (var i = 0; i < ids.Length; i++) await Customer(ids[i]).ApplyEvents(Producer, [Event($"b{i}", i % 3 == 0 ? type : "page_view")]);

        var segment = await Define($"{type}.total >= 1");
        var status = await BackfillDone(segment);

        Assert.Equal(ids.Where((_, i) => i % 3 == 0).Order(StringComparer.Ordinal), await Members(segment));
        Assert.Equal((BackfillState.Done, Clock.GetUtcNow(), Clock.GetUtcNow(), (string?)null), (status.State, status.StartedAt, status.FinishedAt, status.Error));
        Assert.True(status.Visited >= ids.Length, $"visited {status.Visited}");
    }

    [Fact]
    public async Task Twenty_definitions_made_at_once_are_back_filled_by_one_pass_over_the_customers()
    {
        var types = Enumerable.Range(0, 4).Select(_ => NewType()).ToArray();
        var ids = Enumerable.Range(0, 60).Select(_ => NewCustomer()).ToArray();
        for (var i = 0; i < ids.Length; i++) await Customer(ids[i]).ApplyEvents(Producer, [Event($"m{i}", types[i % 4])]);

        // At once, however slow the machine: the lap's first listing waits until all twenty are defined and may join
        // (on a loaded machine the definitions otherwise spread over laps, and a customer was asked three times).
        FaultableJournalStorage.HoldListings();
        string[] segments;
        try
        {
            segments = await Task.WhenAll(Enumerable.Range(0, 20).Select(j => Define($"{types[j % 4]}.total >= 1")));
            await Task.Delay(new SegmentSweepOptions().JoinDelay);
        }
        finally
        {
            FaultableJournalStorage.OpenListings();
        }

        foreach (var segment in segments) await BackfillDone(segment);

        for (var j = 0; j < segments.Length; j++)
            Assert.Equal(ids.Where((_, i) => i % 4 == j % 4).Order(StringComparer.Ordinal), await Members(segments[j]));
        // Twenty back-fills of their own would have asked each customer twenty times; one sweep asks once, or twice
        // when a definition joined after the lap's first page and went round from there.
        Assert.All(ids, id => Assert.InRange(ReevaluationCounter.CallsTo(id, segments), 1, 2));
    }

    [Fact]
    public async Task A_definition_made_while_a_lap_runs_joins_it_and_is_done_once_the_cursor_has_gone_round()
    {
        var (first, late) = (NewType(), NewType());
        var ids = Enumerable.Range(0, 3 * SweepPageSize).Select(_ => NewCustomer()).ToArray();
        for (var i = 0; i < ids.Length; i++) await Customer(ids[i]).ApplyEvents(Producer, [Event($"j{i}", i % 2 == 0 ? first : late)]);
        FaultableJournalStorage.HoldListings();
        try
        {
            var firstSegment = await Define($"{first}.total >= 1");
            await NextPageHeld();
            await NextPageHeld(afterReleasing: 1);

            // The lap's second page is being listed for the first segment alone; the late one joins at its third.
            var lateSegment = await Define($"{late}.total >= 1");
            await Task.Delay(new SegmentSweepOptions().JoinDelay);
            FaultableJournalStorage.OpenListings();
            var firstStatus = await BackfillDone(firstSegment);
            var lateStatus = await BackfillDone(lateSegment);

            Assert.Equal(ids.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal), await Members(firstSegment));
            Assert.Equal(ids.Where((_, i) => i % 2 == 1).Order(StringComparer.Ordinal), await Members(lateSegment));
            Assert.Equal(await StoredCustomers(), firstStatus.Visited);
            Assert.Equal(firstStatus.Visited, lateStatus.Visited);
        }
        finally
        {
            FaultableJournalStorage.OpenListings();
        }
    }

    [Fact]
    public async Task A_sweep_whose_activation_ends_mid_lap_resumes_by_itself_from_its_stored_place()
    {
        // Ids that sort before every other test's, so that the lap's first page is this test's first customers.
        var type = NewType();
        var ids = Enumerable.Range(0, 3 * SweepPageSize).Select(i => $"!{type}-{i:D3}").ToArray();
        foreach (var id in ids) await Customer(id).ApplyEvents(Producer, [Event("r1", type)]);
        FaultableJournalStorage.HoldListings();
        try
        {
            var segment = await Define($"{type}.total >= 1");
            await NextPageHeld();
            await NextPageHeld(afterReleasing: 1);
            var midway = (await Sweep.Status(segment)).Backfill;

            // The sweep's activation ends while its second page waits; nothing calls it from here on.
            var deactivation = Sweep.Cast<IGrainManagementExtension>().DeactivateOnIdle();
            FaultableJournalStorage.OpenListings();
            await deactivation;
            await Eventually.Async(async () => (await Members(segment)).Length == ids.Length, "the back-fill goes on by itself", SweepTimeout);
            var done = await BackfillDone(segment);

            Assert.Equal((BackfillState.Running, (long)SweepPageSize), (midway.State, midway.Visited));
            Assert.Equal((BackfillState.Done, midway.StartedAt), (done.State, done.StartedAt));
            // The first page was stored as visited before the activation ended, so it is not visited again.
            Assert.All(ids.Take(SweepPageSize), id => Assert.Equal(1, ReevaluationCounter.CallsTo(id, segment)));
            Assert.All(ids, id => Assert.InRange(ReevaluationCounter.CallsTo(id, segment), 1, 2));
        }
        finally
        {
            FaultableJournalStorage.OpenListings();
        }
    }

    [Fact]
    public async Task A_back_fill_lets_go_of_the_customers_it_activated_that_had_nothing_to_announce()
    {
        var type = NewType();
        var ids = Enumerable.Range(0, 12).Select(_ => NewCustomer()).ToArray();
        for (var i = 0; i < ids.Length; i++) await Customer(ids[i]).ApplyEvents(Producer, [Event($"a{i}", i % 3 == 0 ? type : "page_view")]);
        foreach (var id in ids) await Customer(id).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.Async(() => Active(ids), active => active.Length == 0, "the customers are no longer active");

        var segment = await Define($"{type}.total >= 1");
        await BackfillDone(segment);

        var members = ids.Where((_, i) => i % 3 == 0).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(members, await Members(segment));
        // Those that entered stay until their announcements are answered; the others were let go after the visit.
        await Eventually.Async(() => Active(ids), active => active.Except(members).Any() == false, "the customers with nothing to announce are let go");
    }

    [Fact]
    public async Task A_reconciliation_repairs_a_lost_entering_and_takes_out_members_their_customers_do_not_hold()
    {
        var type = NewType();
        var (lost, kept, outsider, unknown) = (NewCustomer(), NewCustomer(), NewCustomer(), NewCustomer());
        await Customer(lost).ApplyEvents(Producer, [Event("l1", type)]);
        await Customer(kept).ApplyEvents(Producer, [Event("k1", type)]);
        await Customer(outsider).ApplyEvents(Producer, [Event("o1", "page_view")]);
        var segment = await Define($"{type}.total >= 1");
        await BackfillDone(segment);
        var filled = await Members(segment);

        // Drift both ways, as lost announcements leave it: a member the shard dropped, and two it holds wrongly.
        var now = Clock.GetUtcNow();
        await Shard(segment, lost).Update([new MembershipChange(segment, lost, Entered: false, [], now)]);
        await Shard(segment, outsider).Update([new MembershipChange(segment, outsider, Entered: true, [], now)]);
        await Shard(segment, unknown).Update([new MembershipChange(segment, unknown, Entered: true, [], now)]);
        var drifted = await Members(segment);

        var started = await Sweep.Reconcile(segment);
        var status = await Eventually.Async(async () => (await Sweep.Status(segment)).Reconcile, s => s.State != BackfillState.Running,
            "the reconciliation finishes", SweepTimeout);

        Assert.Equal(new[] { lost, kept }.Order(StringComparer.Ordinal), filled);
        Assert.Equal(BackfillState.Running, started.State);
        Assert.Equal(new[] { kept, outsider, unknown }.Order(StringComparer.Ordinal), drifted);
        Assert.Equal(new[] { lost, kept }.Order(StringComparer.Ordinal), await Members(segment));
        // The member pass follows the customer pass, which had put "lost" back: four members checked, two taken out.
        Assert.Equal((BackfillState.Done, 4L, 2L, (string?)null), (status.State, status.MembersChecked, status.MembersRemoved, status.Error));
        Assert.Equal([segment], await Customer(lost).StoredSegments());
        Assert.Empty(await Customer(outsider).StoredSegments());
    }

    [Fact]
    public async Task A_redefinition_made_in_the_same_instant_is_back_filled_and_takes_out_customers_that_met_only_the_old_rule()
    {
        var (oldType, newType) = (NewType(), NewType());
        var (old, both, fresh) = (NewCustomer(), NewCustomer(), NewCustomer());
        await Customer(old).ApplyEvents(Producer, [Event("r1", oldType)]);
        await Customer(both).ApplyEvents(Producer, [Event("r2", oldType), Event("r3", newType)]);
        await Customer(fresh).ApplyEvents(Producer, [Event("r4", newType)]);
        var registry = fixture.Grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key);
        var segment = $"s-{Guid.NewGuid():N}"[..20];
        var first = await registry.Define(segment, $"{oldType}.total >= 1", null, "test");
        await BackfillDone(segment);
        var before = await Members(segment);

        // The domain clock has not moved: the redefinition is still a newer definition, and its back-fill runs.
        var second = await registry.Define(segment, $"{newType}.total >= 1", null, "test");
        var status = await Eventually.Async(async () => (await Sweep.Status(segment)).Backfill,
            s => s.State != BackfillState.Running && s.DefinedAt == second.DefinedAt, $"the back-fill of {segment}'s redefinition finishes", SweepTimeout);

        Assert.True(second.DefinedAt > first.DefinedAt, $"redefined at {second.DefinedAt:O}, first defined at {first.DefinedAt:O}");
        Assert.Equal((BackfillState.Done, (string?)null), (status.State, status.Error));
        // Before and after, as one value, so that a failure shows both: "old" leaves, "fresh" enters, "both" stays.
        Assert.Equal(
            (string.Join(" ", new[] { old, both }.Order(StringComparer.Ordinal)), string.Join(" ", new[] { both, fresh }.Order(StringComparer.Ordinal))),
            (string.Join(" ", before), string.Join(" ", await Members(segment))));
        Assert.Empty(await Customer(old).StoredSegments());
        Assert.Equal([segment], await Customer(fresh).StoredSegments());
    }

    private async Task<string> Define(string rule)
    {
        var name = $"s-{Guid.NewGuid():N}"[..20];
        await fixture.Grains.GetGrain<ISegmentRegistryGrain>(ISegmentRegistryGrain.Key).Define(name, rule, null, "test");
        return name;
    }

    private async Task<BackfillStatus> BackfillDone(string segment) =>
        await Eventually.Async(async () => (await Sweep.Status(segment)).Backfill, status => status.State != BackfillState.Running,
            $"the back-fill of {segment} finishes", SweepTimeout);

    /// <summary>Lets <paramref name="afterReleasing"/> held listings through, then waits until the sweep's next one is held.</summary>
    private static Task NextPageHeld(int afterReleasing = 0)
    {
        var held = FaultableJournalStorage.ListingsHeld + (afterReleasing > 0 ? 1 : 0);
        if (afterReleasing > 0) FaultableJournalStorage.ReleaseListings(afterReleasing);
        return Eventually.True(() => FaultableJournalStorage.ListingsHeld >= Math.Max(1, held) && FaultableJournalStorage.ListingsAtGate == 1,
            "the sweep waits for its next page", SweepTimeout);
    }

    private static async Task<long> StoredCustomers()
    {
        var (count, continuation) = (0L, (string?)null);
        do
        {
            var page = await FaultableJournalStorage.Shared.ListKeysAsync(continuation, 1000);
            (count, continuation) = (count + page.Keys.Count, page.Continuation);
        }
        while (continuation is not null);

        return count;
    }

    private async Task<string[]> Members(string segment)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => fixture.Grains.For(segment, shard).Members(null, 10_000)));
        return [.. shards.SelectMany(members => members).Select(member => member.CustomerId).Order(StringComparer.Ordinal)];
    }

    /// <summary>Which of <paramref name="ids"/> have an activation in the cluster now.</summary>
    private async Task<string[]> Active(string[] ids)
    {
        var active = await fixture.Grains.GetGrain<IManagementGrain>(0).GetActiveGrains(GrainType.Create("customer"));
        return [.. ids.Where(id => active.Contains(GrainId.Create("customer", id)))];
    }

    private ISegmentMembersGrain Shard(string segment, string customerId) => fixture.Grains.For(segment, SegmentShards.Of(customerId));

    private ICustomerGrain Customer(string id) => fixture.Grains.GetGrain<ICustomerGrain>(id);

    private static string NewCustomer() => $"c-{Guid.NewGuid():N}";

    /// <summary>An event type no other test sends, so that a segment over it holds exactly this test's customers.</summary>
    private static string NewType() => $"t{Guid.NewGuid():N}"[..12];

    private static CustomerEvent Event(string id, string type) => new(id, type, Clock.GetUtcNow(), null, "web", null);
}
