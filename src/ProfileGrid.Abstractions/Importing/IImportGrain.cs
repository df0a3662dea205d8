namespace ProfileGrid.Importing;

/// <summary>
/// One bulk import of past events and traits (key: the import id, derived from the file's content and the producer,
/// so posting the same file again names the same import). It keeps where the file is, the counters, the checkpoint
/// (lines fully applied, in order) and the first rejected lines; a gateway runs it while it holds the lease.
/// </summary>
[Alias("pg.IImportGrain")]
public interface IImportGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a new import of <paramref name="source"/> and lists it as open; for an import known already, changes
    /// nothing (the caller drops its own copy of the file). Returns the status either way.
    /// </summary>
    [Alias("Start")]
    Task<ImportStart> Start(ImportSource source);

    /// <summary>The status, or null for an import never started (or deleted after its retention).</summary>
    [Alias("GetStatus"), Orleans.Concurrency.ReadOnly]
    Task<ImportStatus?> GetStatus();

    /// <summary>
    /// Gives the run to <paramref name="owner"/> for <paramref name="lease"/> if the import is running and nobody else
    /// holds a lease that has not expired (the same owner renews its own). Null when the run is not this owner's.
    /// </summary>
    [Alias("Claim")]
    Task<ImportWork?> Claim(string owner, TimeSpan lease);

    /// <summary>
    /// Stores the progress of the owner's run and renews its lease; false when the run is no longer the owner's
    /// (its lease expired and another took it), which must then stop without reporting again.
    /// </summary>
    [Alias("Report")]
    Task<bool> Report(string owner, ImportProgress progress, TimeSpan lease);

    /// <summary>The rejected lines kept (the first <see cref="ImportLimits.MaxRejectedLinesKept"/>), or null for an unknown import.</summary>
    [Alias("GetRejected"), Orleans.Concurrency.ReadOnly]
    Task<ImportRejections?> GetRejected();

    /// <summary>Deletes the record (rejected lines included) if the import finished before <paramref name="finishedBefore"/>; returns whether it is gone.</summary>
    [Alias("Expire")]
    Task<bool> Expire(DateTimeOffset finishedBefore);
}

/// <summary>The status after <see cref="IImportGrain.Start"/>, and whether this call created the import.</summary>
[GenerateSerializer, Immutable, Alias("pg.ImportStart")]
public sealed record ImportStart([property: Id(0)] ImportStatus Status, [property: Id(1)] bool Created);
