namespace ProfileGrid.Segments;

/// <summary>
/// What the segment sweep stores (<see cref="SegmentSweepGrain"/>): where its cursor over the stored customers stands
/// (as a hash: the listing's continuation, which names a customer, stays in memory, <see cref="SegmentSweep.Continuation"/>),
/// and each segment's latest back-fill and reconciliation, running or finished.
/// </summary>
[GenerateSerializer, Alias("pg.SegmentSweepState")]
public sealed class SegmentSweepState
{
    /// <summary>Laps begun: each starts at the first stored customer.</summary>
    [Id(1)] public long Lap { get; set; }

    [Id(2)] public List<SweepJob> Jobs { get; set; } = [];

    /// <summary>
    /// The last customer visited in this lap, as a hash (<see cref="SegmentSweep.KeyHash"/>); null at the start of a
    /// lap. An activation that reads the state finds its place again by listing up to it.
    /// </summary>
    [Id(3)] public ulong? After { get; set; }
}

/// <summary>What a sweep job does for its segment.</summary>
public enum SweepKind
{
    /// <summary>Every stored customer evaluates the segment and announces its membership.</summary>
    Backfill,

    /// <summary>As a back-fill, and then every member is checked against its customer's stored state.</summary>
    Reconcile,
}

/// <summary>One segment's back-fill or reconciliation, and where it joined the sweep's circular cursor.</summary>
[GenerateSerializer, Alias("pg.SweepJob")]
public sealed class SweepJob
{
    [Id(0)] public string Segment { get; set; } = "";

    [Id(1)] public SweepKind Kind { get; set; }

    /// <summary>
    /// When the definition it works for was made: a back-fill's, or the one a reconciliation found when it started
    /// (null when the segment was not defined then, or for a reconciliation stored before this was recorded).
    /// </summary>
    [Id(2)] public DateTimeOffset? DefinedAt { get; set; }

    [Id(3)] public BackfillState State { get; set; }

    [Id(4)] public DateTimeOffset StartedAt { get; set; }

    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Customers visited for the job.</summary>
    [Id(6)] public long Visited { get; set; }

    /// <summary>Customers (or members) that could not be evaluated, even on a second try.</summary>
    [Id(7)] public long Unevaluated { get; set; }

    /// <summary>Why the last of those could not be, or why the sweep is held up now.</summary>
    [Id(8)] public string? Error { get; set; }

    /// <summary>The lap in which the job got its first page; null until then.</summary>
    [Id(9)] public long? JoinedLap { get; set; }

    /// <summary>
    /// The first customer of that page, as a hash (<see cref="SegmentSweep.KeyHash"/>: the sweep stores no customer
    /// id): the job has gone round once when the next lap reaches it. Null when it joined at the start of a lap,
    /// which it then finishes with.
    /// </summary>
    [Id(10)] public ulong? JoinedAt { get; set; }

    /// <summary>Whether the job has gone round the stored customers once.</summary>
    [Id(11)] public bool CustomersDone { get; set; }

    /// <summary>For a reconciliation: the shard whose members are checked next (<see cref="SegmentShards.Count"/> once all are).</summary>
    [Id(12)] public int MemberShard { get; set; }

    /// <summary>The last member of that shard checked; null at the shard's start.</summary>
    [Id(13)] public string? MemberAfter { get; set; }

    [Id(14)] public long MembersChecked { get; set; }

    /// <summary>Members taken out because their customer's stored state says they are not in the segment.</summary>
    [Id(15)] public long MembersRemoved { get; set; }

    public bool Running => State == BackfillState.Running;

    /// <summary>The segment as the job's visits evaluate it at least (any definition a customer holds when <see cref="DefinedAt"/> is null).</summary>
    public SegmentVersion Version => new(Segment, DefinedAt ?? DateTimeOffset.MinValue);

    public BackfillStatus ToBackfillStatus() => new(State, Visited, StartedAt, FinishedAt, Error, DefinedAt);

    public ReconcileStatus ToReconcileStatus() => new(State, Visited, MembersChecked, MembersRemoved, StartedAt, FinishedAt, Error);
}
