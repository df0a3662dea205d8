using System.IO.Hashing;
using System.Text;
using ProfileGrid.Storage;

namespace ProfileGrid.Segments;

/// <summary>
/// The segment sweep's bookkeeping, apart from the grain that runs it (<see cref="SegmentSweepGrain"/>): one circular
/// cursor over the stored customers serves every running job. A job joins the cursor where it stands, at the first
/// customer of the next page, and has gone round once when the following lap reaches that customer again, so a
/// definition made mid-lap misses no one and no customer is visited for it twice. Every customer of a page is visited
/// once, for all the jobs that page serves.
/// </summary>
/// <remarks>
/// Going round relies on the listing's contract (<see cref="IJournalStorage.ListKeysAsync"/>): keys come in a stable
/// order, a key stored before a listing starts appears in it once, and journals are not deleted. A key stored before a
/// job joined is then met either after the job's first customer in the lap it joined, or before it in the next; one
/// stored after it joined was evaluated by its own write. Should the first customer be gone all the same, the job
/// ends with the next lap, having gone round at least once.
/// </remarks>
internal sealed class SegmentSweep(SegmentSweepState state)
{
    public SegmentSweepState State => state;

    /// <summary>Whether any job is still running.</summary>
    public bool HasWork => state.Jobs.Exists(job => job.Running);

    public IEnumerable<SweepJob> Running => state.Jobs.Where(job => job.Running);

    public SweepJob? Find(string segment, SweepKind kind) =>
        state.Jobs.Find(job => job.Kind == kind && string.Equals(job.Segment, segment, StringComparison.Ordinal));

    /// <summary>
    /// Starts the back-fill of <paramref name="definition"/>, replacing one of an older definition of the segment;
    /// one of this definition (or a later one) is kept. Returns the job and whether it is new.
    /// </summary>
    public (SweepJob Job, bool Started) Backfill(SegmentDefinition definition, DateTimeOffset now)
    {
        if (Find(definition.Name, SweepKind.Backfill) is { } current && current.DefinedAt >= definition.DefinedAt) return (current, false);
        return (Replace(new SweepJob
        {
            Segment = definition.Name,
            Kind = SweepKind.Backfill,
            DefinedAt = definition.DefinedAt,
            State = BackfillState.Running,
            StartedAt = now,
        }), true);
    }

    /// <summary>Starts a reconciliation of <paramref name="segment"/> unless one is running. Returns the job and whether it is new.</summary>
    public (SweepJob Job, bool Started) Reconcile(string segment, DateTimeOffset now)
    {
        if (Find(segment, SweepKind.Reconcile) is { Running: true } current) return (current, false);
        return (Replace(new SweepJob { Segment = segment, Kind = SweepKind.Reconcile, State = BackfillState.Running, StartedAt = now }), true);
    }

    /// <summary>
    /// The next page of customers: where it starts and the jobs it serves, those that have joined and those that
    /// <paramref name="mayJoin"/> lets join now; null when none needs one.
    /// </summary>
    public CustomerPage? NextPage(Func<SweepJob, bool> mayJoin)
    {
        SweepJob[] jobs = [.. Running.Where(job => !job.CustomersDone && (job.JoinedLap is not null || mayJoin(job)))];
        return jobs.Length == 0 ? null : new CustomerPage(state.Continuation, state.Lap, jobs);
    }

    /// <summary>The customers of a listed page with the segments each is visited for; customers no job needs are left out.</summary>
    public static IReadOnlyList<CustomerVisit> Visits(CustomerPage page, IReadOnlyList<string> keys)
    {
        var takes = Array.ConvertAll(page.Jobs, job => Taken(page, job, keys));
        var visits = new List<CustomerVisit>(keys.Count);
        string[] segments = [];
        for (var i = 0; i < keys.Count; i++)
        {
            // The segments change only where a job stops taking customers: at most once per job in a page.
            if (i == 0 || Array.IndexOf(takes, i) >= 0)
            {
                segments = [.. page.Jobs.Where((_, j) => i < takes[j]).Select(job => job.Segment).Distinct(StringComparer.Ordinal)];
            }

            if (segments.Length > 0) visits.Add(new CustomerVisit(keys[i], segments));
        }

        return visits;
    }

    /// <summary>
    /// Records a page as visited: each job's join, count and failures (<paramref name="failures"/>: customer → why), and
    /// the jobs that have gone round; moves the cursor on, to the next lap after the last page. Jobs replaced while
    /// the page was visited are left as they are (the new job joins at the next page). Returns the jobs it finished.
    /// </summary>
    public IReadOnlyList<SweepJob> Advance(CustomerPage page, JournalKeyPage listed, IReadOnlyDictionary<string, string> failures, DateTimeOffset now)
    {
        if (page.Continuation != state.Continuation || page.Lap != state.Lap)
            throw new InvalidOperationException("The sweep's cursor moved while a page was visited; pages are visited one at a time.");
        var keys = listed.Keys;
        var finished = new List<SweepJob>();
        foreach (var job in page.Jobs.Where(IsCurrent))
        {
            var taken = Taken(page, job, keys);
            // A page with no customers in the middle of a lap gives no place to come round to: the job joins at the next.
            if (job.JoinedLap is null && (page.Continuation is null || keys.Count > 0))
                (job.JoinedLap, job.JoinedAt) = (page.Lap, page.Continuation is null ? null : KeyHash(keys[0]));
            job.Visited += taken;
            for (var i = 0; i < taken; i++)
            {
                if (failures.TryGetValue(keys[i], out var error)) Unevaluated(job, "customer", error);
            }

            if (taken < keys.Count) CustomersDone(job, now, finished);
        }

        state.Continuation = listed.Continuation;
        if (listed.Continuation is null)
        {
            // The lap ends: jobs that joined at its start have gone round, as has any that joined a lap before it.
            foreach (var job in page.Jobs.Where(job => IsCurrent(job) && job is { Running: true, CustomersDone: false, JoinedLap: not null }))
            {
                if (job.JoinedLap < page.Lap || job.JoinedAt is null) CustomersDone(job, now, finished);
            }

            state.Lap++;
        }

        // With no job left to serve, the cursor is not kept: it names a stored customer (a continuation is a place in
        // the listing), and the next job may as well start a lap of its own.
        if (!Running.Any(job => !job.CustomersDone)) (state.Continuation, state.Lap) = (null, state.Lap + (state.Continuation is null ? 0 : 1));
        return finished;
    }

    /// <summary>
    /// The next reconciliation whose members need checking: once its customers have all announced themselves, the
    /// shards hold everyone the customers say, and what else they hold is for the member pass to take out. Null when none.
    /// </summary>
    public SweepJob? NextMemberCheck() =>
        Running.FirstOrDefault(job => job is { Kind: SweepKind.Reconcile, CustomersDone: true } && job.MemberShard < SegmentShards.Count);

    /// <summary>
    /// Records a page of members of <paramref name="job"/>'s shard <paramref name="shard"/> after <paramref name="after"/>
    /// as checked; <paramref name="next"/> is where the shard's next page starts, null when the shard is done. Returns
    /// whether that finished the job.
    /// </summary>
    public bool MembersChecked(SweepJob job, int shard, string? after, MemberCheck check, string? next, DateTimeOffset now)
    {
        if (!IsCurrent(job) || !job.Running || job.MemberShard != shard || job.MemberAfter != after) return false;
        job.MembersChecked += check.Checked;
        job.MembersRemoved += check.Removed;
        foreach (var error in check.Failures.Values) Unevaluated(job, "member", error);
        (job.MemberShard, job.MemberAfter) = next is null ? (shard + 1, null) : (shard, next);
        if (job.MemberShard < SegmentShards.Count || !job.CustomersDone) return false;
        Finish(job, now);
        return true;
    }

    /// <summary>Marks the running jobs held up (the sweep tries again), or clears that mark with null.</summary>
    public void HeldUp(string? reason)
    {
        foreach (var job in Running.Where(job => job.Unevaluated == 0)) job.Error = reason;
    }

    private static int Taken(CustomerPage page, SweepJob job, IReadOnlyList<string> keys)
    {
        // Coming round to where it joined, a job takes the customers before that one.
        if (job.JoinedLap < page.Lap && job.JoinedAt is { } joinedAt)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (KeyHash(keys[i]) == joinedAt) return i;
            }
        }

        return keys.Count;
    }

    /// <summary>A customer id's 64-bit XxHash: where a job joined, without storing the id.</summary>
    public static ulong KeyHash(string key) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));

    private static void CustomersDone(SweepJob job, DateTimeOffset now, List<SweepJob> finished)
    {
        job.CustomersDone = true;
        if (job.Kind == SweepKind.Reconcile && job.MemberShard < SegmentShards.Count) return;
        Finish(job, now);
        finished.Add(job);
    }

    private static void Finish(SweepJob job, DateTimeOffset now) =>
        (job.State, job.FinishedAt) = (job.Unevaluated == 0 ? BackfillState.Done : BackfillState.Failed, now);

    private static void Unevaluated(SweepJob job, string what, string error)
    {
        job.Unevaluated++;
        job.Error = $"{job.Unevaluated} {what}s could not be evaluated, twice (the last: {error}); the silo's log names them";
    }

    private bool IsCurrent(SweepJob job) => state.Jobs.Contains(job);

    private SweepJob Replace(SweepJob job)
    {
        state.Jobs.RemoveAll(other => other.Kind == job.Kind && string.Equals(other.Segment, job.Segment, StringComparison.Ordinal));
        state.Jobs.Add(job);
        return job;
    }
}

/// <summary>A page of stored customers to visit: where the listing continues from, in which lap, and for which jobs.</summary>
internal sealed record CustomerPage(string? Continuation, long Lap, SweepJob[] Jobs);

/// <summary>A customer to visit and the segments it announces its membership of again.</summary>
internal sealed record CustomerVisit(string CustomerId, string[] Segments);

/// <summary>A page of a shard's members checked: how many, how many were taken out, and those that could not be checked (member → what failed).</summary>
internal sealed record MemberCheck(int Checked, int Removed, IReadOnlyDictionary<string, string> Failures);
