namespace ProfileGrid.Archive;

/// <summary>
/// Archives one journal partition's outbox (key: the partition number): takes its oldest rows, writes each as one
/// archive blob, then deletes them. Kept running by a grain timer; every silo pokes every partition's archiver now and
/// then, so that one whose silo went away runs again elsewhere.
/// </summary>
[Alias("pg.IArchivePartitionGrain")]
public interface IArchivePartitionGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the archiver's polling if it is not running.</summary>
    [Alias("Poke")]
    Task Poke();

    /// <summary>
    /// Archives the rows the partition's outbox holds now (taking turns with the polls) and returns once they are in
    /// blobs: a replay resuming a partition needs the restores it stored there before its silo ended in the archive.
    /// Throws if the archive cannot be written; the rows stay for the next try.
    /// </summary>
    [Alias("CatchUp")]
    Task CatchUp();
}
