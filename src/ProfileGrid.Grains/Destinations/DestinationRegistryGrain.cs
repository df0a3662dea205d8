namespace ProfileGrid.Destinations;

/// <summary>
/// Keeps the destination definitions, in grain storage <see cref="StorageName"/>. Few, rarely changed; every silo reads
/// them all and caches them for a moment (<see cref="DestinationCatalog"/>).
/// </summary>
public sealed class DestinationRegistryGrain(
    [PersistentState("definitions", DestinationRegistryGrain.StorageName)] IPersistentState<DestinationRegistryState> state) : Grain, IDestinationRegistryGrain
{
    public const string StorageName = "destinations";

    public async Task<DestinationDefinition> Define(DestinationDefinition definition)
    {
        if (DestinationRules.Check(definition) is { } problem) throw new ArgumentException($"{problem.Field}: {problem.Problem}", nameof(definition));
        var definitions = state.State.Definitions;
        if (!definitions.ContainsKey(definition.Name) && definitions.Count >= DestinationRules.MaxDestinations)
            throw new ArgumentException($"A deployment holds at most {DestinationRules.MaxDestinations} destinations.", nameof(definition));

        // Later than the definition it replaces, always: the catalogs take the later of two as the current one.
        if (definitions.TryGetValue(definition.Name, out var previous) && definition.DefinedAt <= previous.DefinedAt)
            definition = definition with { DefinedAt = previous.DefinedAt.AddTicks(1) };
        definitions[definition.Name] = definition;
        await WriteOrForgetAsync();
        return definition;
    }

    public async Task<bool> Remove(string name)
    {
        if (!state.State.Definitions.Remove(name)) return false;
        await WriteOrForgetAsync();
        return true;
    }

    public Task<DestinationDefinition[]> List() =>
        Task.FromResult(state.State.Definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToArray());

    private async Task WriteOrForgetAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing unstored stays: the next call reads what is stored.
            await state.ReadStateAsync();
            throw;
        }
    }
}

[GenerateSerializer, Alias("pg.DestinationRegistryState")]
public sealed class DestinationRegistryState
{
    [Id(0)] public Dictionary<string, DestinationDefinition> Definitions { get; set; } = new(StringComparer.Ordinal);
}
