using ProfileGrid.Segments;
using ProfileGrid.Settings;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Segments;

/// <summary>
/// The sweep's circular cursor (<see cref="SegmentSweep"/>) over a real listing (memory journal storage): every job
/// visits every stored customer exactly once, one pass serves every job at once, and a job that joins mid-lap goes
/// round once from where it joined.
/// </summary>
public sealed class SegmentSweepTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly MemoryJournalStorage _storage = new();
    private SegmentSweep _sweep = new(new SegmentSweepState());
    // Every visit made, in order: (customer, segments it was visited for).
    private readonly List<(string Customer, string[] Segments)> _visits = [];

    [Fact]
    public async Task A_job_that_joins_at_the_start_of_a_lap_visits_every_customer_once_and_finishes_with_the_lap()
    {
        await Store("a", "b", "c", "d", "e");
        var (job, started) = _sweep.Backfill(Definition("vip"), Now);

        var pages = await RunToIdle(pageSize: 2);

        Assert.True(started);
        Assert.Equal(3, pages);
        Assert.Equal(["a", "b", "c", "d", "e"], VisitsFor("vip"));
        Assert.Equal((BackfillState.Done, 5L, Now, (string?)null), (job.State, job.Visited, job.FinishedAt, job.Error));
    }

    [Fact]
    public async Task A_job_that_joins_mid_lap_goes_round_once_from_its_first_customer()
    {
        await Store("a", "b", "c", "d", "e", "f");
        var (first, _) = _sweep.Backfill(Definition("first"), Now);
        await Page(pageSize: 2);
        var (late, _) = _sweep.Backfill(Definition("late"), Now);

        await RunToIdle(pageSize: 2);

        Assert.Equal(["a", "b", "c", "d", "e", "f"], VisitsFor("first"));
        Assert.Equal(["c", "d", "e", "f", "a", "b"], VisitsFor("late"));
        Assert.Equal((BackfillState.Done, 6L), (first.State, first.Visited));
        Assert.Equal((BackfillState.Done, 6L), (late.State, late.Visited));
        // The pages both served visited each customer once, for both segments.
        Assert.Equal(["c", "d", "e", "f"], _visits.Where(v => v.Segments.Length == 2).Select(v => v.Customer));
    }

    [Fact]
    public async Task Two_hundred_definitions_made_together_cost_one_visit_per_customer()
    {
        var customers = Enumerable.Range(0, 250).Select(i => $"c{i:D3}").ToArray();
        await Store(customers);
        var segments = Enumerable.Range(0, 200).Select(i => $"s{i:D3}").ToArray();
        foreach (var segment in segments) _sweep.Backfill(Definition(segment), Now);

        var pages = await RunToIdle(pageSize: 100);

        Assert.Equal(3, pages);
        Assert.Equal(customers, _visits.Select(v => v.Customer));
        Assert.All(_visits, visit => Assert.Equal(segments, visit.Segments));
        Assert.All(_sweep.State.Jobs, job => Assert.Equal((BackfillState.Done, 250L), (job.State, job.Visited)));
    }

    [Fact]
    public async Task A_redefinition_mid_lap_starts_its_segment_over_where_the_cursor_stands()
    {
        await Store("a", "b", "c", "d");
        var (old, _) = _sweep.Backfill(Definition("vip", definedAt: Now), Now);
        await Page(pageSize: 2);
        var (redefined, started) = _sweep.Backfill(Definition("vip", definedAt: Now.AddMinutes(1)), Now.AddMinutes(1));

        await RunToIdle(pageSize: 2);

        Assert.True(started);
        Assert.DoesNotContain(old, _sweep.State.Jobs);
        Assert.Equal((BackfillState.Running, 2L), (old.State, old.Visited));
        Assert.Equal((BackfillState.Done, 4L, Now.AddMinutes(1)), (redefined.State, redefined.Visited, redefined.DefinedAt));
        Assert.Equal(["a", "b", "c", "d", "a", "b"], VisitsFor("vip"));
    }

    [Fact]
    public void The_same_definition_again_or_an_older_one_keeps_the_running_back_fill()
    {
        var (job, _) = _sweep.Backfill(Definition("vip", definedAt: Now), Now);

        var again = _sweep.Backfill(Definition("vip", definedAt: Now), Now);
        var older = _sweep.Backfill(Definition("vip", definedAt: Now.AddMinutes(-1)), Now);

        Assert.Equal((job, false), again);
        Assert.Equal((job, false), older);
        Assert.Single(_sweep.State.Jobs);
    }

    [Fact]
    public async Task A_customer_stored_ahead_of_the_cursor_during_a_lap_is_visited_in_it()
    {
        await Store("a", "b", "d");
        _sweep.Backfill(Definition("vip"), Now);
        await Page(pageSize: 2);
        await Store("c", "0");

        await RunToIdle(pageSize: 2);

        // "c" sorts after the cursor and is met in this lap; "0" sorts before it and was stored after the job began,
        // so its own write evaluated it.
        Assert.Equal(["a", "b", "c", "d"], VisitsFor("vip"));
    }

    [Fact]
    public async Task An_activation_that_reads_the_stored_state_finds_its_place_again_and_visits_no_one_twice()
    {
        var customers = Enumerable.Range(0, 2500).Select(i => $"c{i:D4}").ToArray();
        await Store(customers);
        _sweep.Backfill(Definition("vip"), Now);
        for (var i = 0; i < 7; i++) await Page(pageSize: 100);

        _sweep = new SegmentSweep(Reread(_sweep.State));
        var seeking = _sweep.Seek(100);
        await RunToIdle(pageSize: 100);

        Assert.Equal((null, 1000), seeking);
        Assert.Equal(customers, VisitsFor("vip"));
        Assert.Equal((BackfillState.Done, 2500L), (_sweep.Find("vip", SweepKind.Backfill)!.State, _sweep.Find("vip", SweepKind.Backfill)!.Visited));
    }

    [Fact]
    public async Task The_stored_state_names_no_customer_while_a_sweep_runs()
    {
        await Store("customer-ann", "customer-bob", "customer-cy", "customer-dan", "customer-eve");
        _sweep.Backfill(Definition("vip"), Now);
        await Page(pageSize: 2);
        _sweep.Backfill(Definition("late"), Now);
        await Page(pageSize: 2);

        var stored = System.Text.Encoding.UTF8.GetString(SerializerFixture.Serialize(_sweep.State));

        // In memory, the cursor is the listing's continuation, which names a customer; stored, only hashes.
        Assert.Equal("customer-dan", _sweep.Continuation);
        Assert.Equal(SegmentSweep.KeyHash("customer-cy"), _sweep.State.Jobs[1].JoinedAt);
        Assert.DoesNotContain("customer-", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_place_whose_customer_is_gone_starts_the_lap_over()
    {
        var customers = Enumerable.Range(0, 300).Select(i => $"c{i:D4}").ToArray();
        await Store(customers);
        _sweep.Backfill(Definition("vip"), Now);
        await Page(pageSize: 100);
        var stored = Reread(_sweep.State);
        stored.After = SegmentSweep.KeyHash("c0099-deleted-meanwhile");

        _sweep = new SegmentSweep(stored);
        await RunToIdle(pageSize: 100);

        Assert.Equal([.. customers.Take(100), .. customers], VisitsFor("vip"));
        Assert.Equal(BackfillState.Done, _sweep.Find("vip", SweepKind.Backfill)!.State);
    }

    [Fact]
    public async Task With_nothing_stored_a_job_finishes_after_one_empty_lap()
    {
        var (job, _) = _sweep.Backfill(Definition("vip"), Now);

        var pages = await RunToIdle(pageSize: 10);

        Assert.Equal(1, pages);
        Assert.Equal((BackfillState.Done, 0L), (job.State, job.Visited));
    }

    [Fact]
    public async Task A_job_that_may_not_join_yet_waits_while_the_others_go_on()
    {
        await Store("a", "b", "c", "d");
        var (now, _) = _sweep.Backfill(Definition("now"), Now);
        var (later, _) = _sweep.Backfill(Definition("later"), Now);

        await Page(pageSize: 2, mayJoin: job => job != later);
        await RunToIdle(pageSize: 2);

        Assert.Equal(["a", "b", "c", "d"], VisitsFor("now"));
        Assert.Equal(["c", "d", "a", "b"], VisitsFor("later"));
        Assert.Equal(BackfillState.Done, now.State);
        Assert.Equal(BackfillState.Done, later.State);
    }

    [Fact]
    public async Task Customers_that_could_not_be_evaluated_are_counted_and_the_job_goes_round_and_fails()
    {
        await Store("a", "b", "c");
        var (job, _) = _sweep.Backfill(Definition("vip"), Now);

        await RunToIdle(pageSize: 10, failing: new Dictionary<string, string> { ["b"] = "OverflowException" });

        Assert.Equal((BackfillState.Failed, 3L, 1L), (job.State, job.Visited, job.Unevaluated));
        Assert.Equal("1 customers could not be evaluated, twice (the last: OverflowException); the silo's log names them", job.Error);
    }

    [Fact]
    public async Task The_cursor_is_dropped_once_no_job_needs_customers_even_mid_lap()
    {
        await Store("ann", "bob", "cy", "dan", "eve");
        var (job, _) = _sweep.Backfill(Definition("vip"), Now);
        await Page(pageSize: 2);
        _sweep.Backfill(Definition("late"), Now);
        await RunToIdle(pageSize: 2);

        // "late" came round to "cy" in the page [cy, dan], whose continuation names "dan": the sweep keeps no such place.
        Assert.Equal((null, null), (_sweep.Continuation, _sweep.State.After));
        Assert.Equal(["cy", "dan", "eve", "ann", "bob"], VisitsFor("late"));
        Assert.Equal(SegmentSweep.KeyHash("cy"), _sweep.Find("late", SweepKind.Backfill)!.JoinedAt);
        Assert.Equal(BackfillState.Done, job.State);
        Assert.False(_sweep.HasWork);
    }

    [Fact]
    public async Task A_reconciliation_checks_members_after_its_customers_and_finishes_when_every_shard_is_done()
    {
        await Store("a", "b");
        var (job, started) = _sweep.Reconcile("vip", null, Now);
        var (again, startedAgain) = _sweep.Reconcile("vip", null, Now);
        var membersBeforeCustomers = _sweep.NextMemberCheck();

        await RunToIdle(pageSize: 10);
        var afterCustomers = job.State;
        for (var shard = 0; shard < SegmentShards.Count; shard++)
        {
            var check = _sweep.NextMemberCheck();
            Assert.Same(job, check);
            var finished = _sweep.MembersChecked(job, shard, after: null, new MemberCheck(shard == 3 ? 2 : 0, shard == 3 ? 1 : 0, new Dictionary<string, string>()), next: null, Now);
            Assert.Equal(shard == SegmentShards.Count - 1, finished);
        }

        Assert.True((started, startedAgain) == (true, false) && ReferenceEquals(job, again));
        Assert.Null(membersBeforeCustomers);
        Assert.Equal(BackfillState.Running, afterCustomers);
        Assert.Equal((BackfillState.Done, 2L, 2L, 1L), (job.State, job.Visited, job.MembersChecked, job.MembersRemoved));
        Assert.Null(_sweep.NextMemberCheck());
    }

    [Fact]
    public void A_page_of_members_checked_twice_counts_once()
    {
        var (job, _) = _sweep.Reconcile("vip", null, Now);
        var check = new MemberCheck(100, 0, new Dictionary<string, string>());

        _sweep.MembersChecked(job, 0, after: null, check, next: "m100", Now);
        var stale = _sweep.MembersChecked(job, 0, after: null, check, next: "m100", Now);

        Assert.False(stale);
        Assert.Equal((0, "m100", 100L), (job.MemberShard, job.MemberAfter, job.MembersChecked));
    }

    [Theory]
    [InlineData(0.25, 100, 300)]
    [InlineData(0.5, 100, 100)]
    [InlineData(1.0, 100, 0)]
    public void The_sweep_rests_in_proportion_to_its_work(double dutyCycle, int busyMs, int restMs)
    {
        var options = new SegmentSweepOptions { DutyCycle = dutyCycle };

        Assert.Equal(TimeSpan.FromMilliseconds(restMs), options.RestAfter(TimeSpan.FromMilliseconds(busyMs)));
    }

    [Fact]
    public void Options_that_would_not_bound_the_sweep_are_refused_at_start_with_each_problem()
    {
        var options = new SegmentSweepOptions { PageSize = 0, MaxConcurrency = 0, DutyCycle = 0, ResumeInterval = TimeSpan.Zero, JoinDelay = TimeSpan.FromSeconds(-1) };

        var validator = new CheckedOptionsValidator<SegmentSweepOptions>();
        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
        [
            "ProfileGrid:Segments:Sweep:PageSize must be 1 to 1000, not 0.",
            "ProfileGrid:Segments:Sweep:MaxConcurrency must be 1 to 1000, not 0.",
            "ProfileGrid:Segments:Sweep:DutyCycle must be above 0 and at most 1, not 0.",
            "ProfileGrid:Segments:Sweep:JoinDelay must be 0 s to 10 min, not -00:00:01.",
            "ProfileGrid:Segments:Sweep:ResumeInterval must be 1 s to 1 h, not 00:00:00.",
        ], result.Failures);
        Assert.True(validator.Validate(null, new SegmentSweepOptions()).Succeeded);
        Assert.True(validator.Validate(null, new SegmentSweepOptions { JoinDelay = TimeSpan.Zero, DutyCycle = 1, PageSize = 1000, MaxConcurrency = 1000 }).Succeeded);
        Assert.Equal("ProfileGrid:Segments:Sweep:JoinDelay must be 0 s to 10 min, not 00:10:00.0010000.",
            Assert.Single(validator.Validate(null, new SegmentSweepOptions { JoinDelay = TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1) }).Failures!));
    }

    /// <summary>The state as an activation reads it back from grain storage (Orleans' serializer): what has an id, so not the continuation.</summary>
    private static SegmentSweepState Reread(SegmentSweepState state) => SerializerFixture.RoundTrip(state);

    private static SegmentDefinition Definition(string name, DateTimeOffset? definedAt = null) =>
        new(name, "vip_signup.total >= 1", null, definedAt ?? Now, "test");

    private async Task Store(params string[] keys)
    {
        foreach (var key in keys) await _storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));
    }

    /// <summary>One page as the grain runs it: list, visit (some customers failing), record.</summary>
    private async Task<bool> Page(int pageSize, Func<SweepJob, bool>? mayJoin = null, IReadOnlyDictionary<string, string>? failing = null)
    {
        if (_sweep.Seek(pageSize) is { } seek)
        {
            _sweep.Sought(await _storage.ListKeysAsync(seek.Continuation, seek.PageSize));
            return true;
        }

        if (_sweep.NextPage(mayJoin ?? (_ => true)) is not { } page) return false;
        var listed = await _storage.ListKeysAsync(page.Continuation, pageSize);
        var keys = _sweep.Unvisited(listed.Keys);
        var visits = SegmentSweep.Visits(page, keys);
        _visits.AddRange(visits.Select(visit => (visit.CustomerId, Array.ConvertAll(visit.Segments, version => version.Name))));
        var failures = visits.Where(visit => failing?.ContainsKey(visit.CustomerId) == true).ToDictionary(visit => visit.CustomerId, visit => failing![visit.CustomerId]);
        _sweep.Advance(page, keys, listed.Continuation, failures, Now);
        return true;
    }

    private async Task<int> RunToIdle(int pageSize, IReadOnlyDictionary<string, string>? failing = null)
    {
        var pages = 0;
        while (await Page(pageSize, failing: failing))
        {
            if (++pages > 1000) throw new InvalidOperationException("The sweep did not finish within 1,000 pages.");
        }

        return pages;
    }

    private string[] VisitsFor(string segment) => [.. _visits.Where(v => v.Segments.Contains(segment)).Select(v => v.Customer)];
}
