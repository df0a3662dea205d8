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
}
