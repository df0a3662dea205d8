using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProfileGrid.Customers;

namespace ProfileGrid.Segments;

/// <summary>
/// Keeps the segment definitions, in grain storage <see cref="StorageName"/>. Definitions are few and change
/// rarely; silos and gateways read them all and cache them for a moment (<see cref="SegmentCatalog"/>). A
/// definition starts its back-fill (<see cref="ISegmentSweepGrain"/>).
/// </summary>
public sealed partial class SegmentRegistryGrain(
    [PersistentState("definitions", SegmentRegistryGrain.StorageName)] IPersistentState<SegmentRegistryState> state,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    ILogger<SegmentRegistryGrain> logger) : Grain, ISegmentRegistryGrain
{
    public const string StorageName = "segments";

    public async Task<SegmentDefinition> Define(string name, string rule, string? description, string definedBy)
    {
        if (!SegmentNames.IsValid(name)) throw new ArgumentException($"A segment name is {SegmentNames.Rule}.", nameof(name));
        if (!RuleParser.TryParseCanonical(rule, out var parsed, out var error)) throw new ArgumentException($"The rule does not read: {error}.", nameof(rule));
        var definitions = state.State.Definitions;
        if (!definitions.ContainsKey(name) && definitions.Count >= SegmentNames.MaxSegments)
            throw new ArgumentException($"A deployment holds at most {SegmentNames.MaxSegments} segments.", nameof(name));

        // Later than the definition it replaces, always: the sweep and the catalogs take a definition of the same time
        // for the same one, so a redefinition in the same instant (or after the clock went back) would be back-filled by no one.
        var definedAt = clock.GetUtcNow();
        if (definitions.TryGetValue(name, out var previous) && definedAt <= previous.DefinedAt) definedAt = previous.DefinedAt.AddTicks(1);
        var definition = new SegmentDefinition(name, parsed.ToString(), description, definedAt, definedBy);
        definitions[name] = definition;
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

        try
        {
            await GrainFactory.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).Backfill(definition);
        }
        catch (Exception exception)
        {
            // The definition stands; its members fill as customers change, and defining it again retries the back-fill.
            LogBackfillNotStarted(logger, exception, name);
        }

        return definition;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The back-fill of segment {Segment} did not start; its members fill as customers change")]
    private static partial void LogBackfillNotStarted(ILogger logger, Exception exception, string segment);

    public Task<SegmentDefinition[]> List() => Task.FromResult(state.State.Definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToArray());
}

[GenerateSerializer, Alias("pg.SegmentRegistryState")]
public sealed class SegmentRegistryState
{
    [Id(0)] public Dictionary<string, SegmentDefinition> Definitions { get; set; } = new(StringComparer.Ordinal);
}
