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
/// order, and a key stored before a listing starts and not deleted during it appears in it once. A key stored before a
/// job joined is then met either after the job's first customer in the lap it joined, or before it in the next; one
/// stored after it joined was evaluated by its own write. Should the first customer be gone (a merged profile's
/// journal is deleted), the job ends with the next lap, having gone round at least once.
/// The stored state names no customer: where a job joined, and the last customer visited, are kept as hashes; the
/// listing's continuation stays in memory. An activation that reads the state therefore first finds its place again
/// (<see cref="Seek"/>): it lists, without visiting, pages of 1,000 and then of the page size until the page that holds
/// the last customer visited, and goes on after it. Should that customer be gone, the lap starts over.
/// </remarks>
internal sealed class SegmentSweep(SegmentSweepState state)
{
    // Finding the place again after the state was read: where to list next, and whether in pages of the page size yet.
    private bool _seeking = state.After is not null;
    private string? _seekFrom;
    private bool _fineSeek;

    public SegmentSweepState State => state;

    /// <summary>
    /// The continuation of the next page of stored customers; null at the start of a lap. In memory only: it is a
    /// place in the listing, which names a customer (the state stores <see cref="SegmentSweepState.After"/>).
    /// </summary>
    public string? Continuation { get; private set; }

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

    /// <summary>
    /// Starts a reconciliation of <paramref name="segment"/> (as defined at <paramref name="definedAt"/>, null when it is
    /// not defined) unless one is running. Returns the job and whether it is new.
    /// </summary>
    public (SweepJob Job, bool Started) Reconcile(string segment, DateTimeOffset? definedAt, DateTimeOffset now)
    {
        if (Find(segment, SweepKind.Reconcile) is { Running: true } current) return (current, false);
        return (Replace(new SweepJob { Segment = segment, Kind = SweepKind.Reconcile, DefinedAt = definedAt, State = BackfillState.Running, StartedAt = now }), true);
    }

    /// <summary>
    /// The next page of customers: where it starts and the jobs it serves, those that have joined and those that
    /// <paramref name="mayJoin"/> lets join now; null when none needs one.
    /// </summary>
    public CustomerPage? NextPage(Func<SweepJob, bool> mayJoin)
    {
        if (_seeking) return null;
        SweepJob[] jobs = [.. Running.Where(job => !job.CustomersDone && (job.JoinedLap is not null || mayJoin(job)))];
        return jobs.Length == 0 ? null : new CustomerPage(Continuation, state.Lap, jobs);
    }

    /// <summary>
    /// Where to list next to find the place of the last customer visited, and how many keys a page; null when the place
    /// is known. Pages of 1,000 until the one that holds it, then pages of <paramref name="pageSize"/> over that stretch,
    /// so that the next page to visit starts where the one the customer was visited in did.
    /// </summary>
    public (string? Continuation, int PageSize)? Seek(int pageSize) =>
        _seeking ? (_seekFrom, _fineSeek ? pageSize : JournalKeyPage.MaxSize) : null;

    /// <summary>Records a page listed to find the place (<see cref="Seek"/>).</summary>
    public void Sought(JournalKeyPage listed)
    {
        if (IndexOf(listed.Keys, state.After) >= 0)
        {
            if (!_fineSeek)
            {
                // The stretch is found: it is listed again from its start in pages of the page size.
                _fineSeek = true;
                return;
            }

            // The next page is listed from where this one was: its customers up to the last one visited are passed over.
            (Continuation, _seeking) = (_seekFrom, false);
            return;
        }

        if (listed.Continuation is not null)
        {
            _seekFrom = listed.Continuation;
            return;
        }

        // The last customer visited is gone: the lap starts over (a job that joined mid-lap still goes round to its first customer).
        (Continuation, state.After, _seeking) = (null, null, false);
    }

    /// <summary>The keys of a listed page that come after the last customer visited in this lap (all of them but just after a <see cref="Seek"/>).</summary>
    public IReadOnlyList<string> Unvisited(IReadOnlyList<string> keys)
    {
        var last = IndexOf(keys, state.After);
        return last < 0 ? keys : [.. keys.Skip(last + 1)];
    }

    /// <summary>
    /// The customers of a listed page with the segments each is visited for, each as of the latest definition a job
    /// serving it there works for; customers no job needs are left out.
    /// </summary>
    public static IReadOnlyList<CustomerVisit> Visits(CustomerPage page, IReadOnlyList<string> keys)
    {
        var takes = Array.ConvertAll(page.Jobs, job => Taken(page, job, keys));
        var visits = new List<CustomerVisit>(keys.Count);
        SegmentVersion[] segments = [];
        for (var i = 0; i < keys.Count; i++)
        {
            // The segments change only where a job stops taking customers: at most once per job in a page.
            if (i == 0 || Array.IndexOf(takes, i) >= 0)
            {
                segments =
                [
                    .. page.Jobs.Where((_, j) => i < takes[j]).Select(job => job.Version).GroupBy(version => version.Name, StringComparer.Ordinal)
                        .Select(versions => versions.MaxBy(version => version.DefinedAt)!),
                ];
            }

            if (segments.Length > 0) visits.Add(new CustomerVisit(keys[i], segments));
        }

        return visits;
    }

    /// <summary>
    /// Records a page as visited (<paramref name="keys"/>: its <see cref="Unvisited"/> keys; <paramref name="next"/>: its
    /// continuation): each job's join, count and failures (<paramref name="failures"/>: customer → why), and the jobs
    /// that have gone round; moves the cursor on, to the next lap after the last page. Jobs replaced while the page
    /// was visited are left as they are (the new job joins at the next page). Returns the jobs it finished.
    /// </summary>
    public IReadOnlyList<SweepJob> Advance(
        CustomerPage page, IReadOnlyList<string> keys, string? next, IReadOnlyDictionary<string, string> failures, DateTimeOffset now)
    {
        if (page.Continuation != Continuation || page.Lap != state.Lap)
            throw new InvalidOperationException("The sweep's cursor moved while a page was visited; pages are visited one at a time.");
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

        if (keys.Count > 0) state.After = KeyHash(keys[^1]);
        Continuation = next;
        if (next is null)
        {
            // The lap ends: jobs that joined at its start have gone round, as has any that joined a lap before it.
            foreach (var job in page.Jobs.Where(job => IsCurrent(job) && job is { Running: true, CustomersDone: false, JoinedLap: not null }))
            {
                if (job.JoinedLap < page.Lap || job.JoinedAt is null) CustomersDone(job, now, finished);
            }

            (state.Lap, state.After) = (state.Lap + 1, null);
        }

        // With no job left to serve, the next job may as well start a lap of its own.
        if (!Running.Any(job => !job.CustomersDone) && Continuation is not null) (Continuation, state.After, state.Lap) = (null, null, state.Lap + 1);
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
        if (job.JoinedLap < page.Lap && IndexOf(keys, job.JoinedAt) is >= 0 and var at) return at;
        return keys.Count;
    }

    private static int IndexOf(IReadOnlyList<string> keys, ulong? hash)
    {
        if (hash is null) return -1;
        for (var i = 0; i < keys.Count; i++)
        {
            if (KeyHash(keys[i]) == hash) return i;
        }

        return -1;
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

/// <summary>A customer to visit and the segments it announces its membership of again, each with the definition it is evaluated with at least.</summary>
internal sealed record CustomerVisit(string CustomerId, SegmentVersion[] Segments);

/// <summary>A page of a shard's members checked: how many, how many were taken out, and those that could not be checked (member → what failed).</summary>
internal sealed record MemberCheck(int Checked, int Removed, IReadOnlyDictionary<string, string> Failures);
