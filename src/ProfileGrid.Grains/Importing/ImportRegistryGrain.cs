namespace ProfileGrid.Importing;

/// <summary>The open and finished imports (<see cref="IImportRegistryGrain"/>), in grain storage <see cref="ImportGrain.StorageName"/>.</summary>
public sealed class ImportRegistryGrain(
    [PersistentState("registry", ImportGrain.StorageName)] IPersistentState<ImportRegistryState> state) : Grain, IImportRegistryGrain
{
    public async Task Opened(string id)
    {
        if (!state.State.Open.Add(id)) return;
        await state.WriteStateAsync();
    }

    public async Task Finished(string id, DateTimeOffset at)
    {
        if (!state.State.Open.Remove(id) && state.State.Finished.ContainsKey(id)) return;
        state.State.Finished[id] = at;
        await state.WriteStateAsync();
    }

    public Task<string[]> Open() => Task.FromResult(state.State.Open.Order(StringComparer.Ordinal).ToArray());

    public Task<string[]> FinishedBefore(DateTimeOffset finishedBefore) =>
        Task.FromResult(state.State.Finished.Where(entry => entry.Value < finishedBefore).Select(entry => entry.Key).ToArray());

    public async Task Forget(string id)
    {
        if (!state.State.Finished.Remove(id) & !state.State.Open.Remove(id)) return;
        await state.WriteStateAsync();
    }
}

/// <summary>The ids of the open imports, and of the finished ones with when they finished (until their retention ends).</summary>
[GenerateSerializer, Alias("pg.ImportRegistryState")]
public sealed class ImportRegistryState
{
    [Id(0)] public HashSet<string> Open { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public Dictionary<string, DateTimeOffset> Finished { get; set; } = new(StringComparer.Ordinal);
}
