namespace ProfileGrid.Segments;

/// <summary>
/// The one sweep over the stored customers that serves every segment's back-fill and reconciliation (key
/// <see cref="Key"/>): it visits each stored customer once per lap, and a visit evaluates all of the customer's
/// segments and announces its membership again for every segment the sweep works for, so that two hundred
/// definitions made together cost one pass, not two hundred. It runs in the background at a bounded share of the
/// cluster (<c>ProfileGrid:Segments:Sweep</c>), and its progress is stored, so it resumes after its activation ends.
/// </summary>
[Alias("pg.ISegmentSweepGrain")]
public interface ISegmentSweepGrain : IGrainWithStringKey
{
    public const string Key = "segments";

    /// <summary>
    /// Back-fills <paramref name="definition"/>: the segment's member set learns of every customer stored before it.
    /// A back-fill of the same definition goes on; one of an older definition of the name starts over.
    /// </summary>
    [Alias("Backfill")]
    Task<BackfillStatus> Backfill(SegmentDefinition definition);

    /// <summary>
    /// Repairs the segment's member set against its customers, both ways: every stored customer whose state says it
    /// is in the segment announces so again, and every member whose customer says it is not is taken out. One already
    /// running for the segment goes on.
    /// </summary>
    [Alias("Reconcile")]
    Task<ReconcileStatus> Reconcile(string segment);

    /// <summary>The segment's latest back-fill and reconciliation.</summary>
    [Alias("Status"), Orleans.Concurrency.ReadOnly]
    Task<SegmentSweepStatus> Status(string segment);

    /// <summary>Does nothing but activate the sweep, which resumes unfinished work on activation (each silo calls it now and then).</summary>
    [Alias("WakeUp"), Orleans.Concurrency.ReadOnly]
    Task WakeUp();
}

/// <summary>Where a segment's back-fill and reconciliation stand.</summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentSweepStatus")]
public sealed record SegmentSweepStatus([property: Id(0)] BackfillStatus Backfill, [property: Id(1)] ReconcileStatus Reconcile);
