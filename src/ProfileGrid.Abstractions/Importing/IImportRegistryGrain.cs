namespace ProfileGrid.Importing;

/// <summary>
/// The imports of the deployment (one grain, key <see cref="Key"/>): the open ones, which gateways resume when their
/// runner's lease expired, and the finished ones until their retention ends.
/// </summary>
[Alias("pg.IImportRegistryGrain")]
public interface IImportRegistryGrain : IGrainWithStringKey
{
    public const string Key = "imports";

    [Alias("Opened")]
    Task Opened(string id);

    [Alias("Finished")]
    Task Finished(string id, DateTimeOffset at);

    /// <summary>The imports still running.</summary>
    [Alias("Open"), Orleans.Concurrency.ReadOnly]
    Task<string[]> Open();

    /// <summary>The imports that finished before <paramref name="finishedBefore"/>.</summary>
    [Alias("FinishedBefore"), Orleans.Concurrency.ReadOnly]
    Task<string[]> FinishedBefore(DateTimeOffset finishedBefore);

    /// <summary>Forgets an import whose record was deleted.</summary>
    [Alias("Forget")]
    Task Forget(string id);
}
