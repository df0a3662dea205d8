using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProfileGrid.Archive;
using ProfileGrid.Counters;
using ProfileGrid.Customers;
using ProfileGrid.Replay;

namespace ProfileGrid.Segments;

/// <summary>
/// Keeps the segment definitions, in grain storage <see cref="StorageName"/>. Definitions are few and change
/// rarely; silos and gateways read them all and cache them for a moment (<see cref="SegmentCatalog"/>). A
/// definition starts its back-fill (<see cref="ISegmentSweepGrain"/>). A rule that reads the year of a type that was not
/// a history type (<see cref="HistoryTypes"/>) starts a replay of every customer first (<see cref="IReplayGrain.StartHistory"/>),
/// which brings back the year live processing folded away, and is refused when there is no archive to replay.
/// </summary>
public sealed partial class SegmentRegistryGrain(
    [PersistentState("definitions", SegmentRegistryGrain.StorageName)] IPersistentState<SegmentRegistryState> state,
    [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
    CustomerArchiving archiving,
    IOptions<HistoryOptions> history,
    ILogger<SegmentRegistryGrain> logger) : Grain, ISegmentRegistryGrain
{
    public const string StorageName = "segments";

    /// <summary>Why a rule reading the year of a type that is not a history type is refused with the archive off.</summary>
    public static string NoArchiveRefusal(IReadOnlyList<string> types) =>
        $"The rule reads the 365d of {string.Join(", ", types.Select(type => $"'{type}'"))}, which no segment reads a year of now and "
        + $"ProfileGrid:History:Types does not name: their days older than 30 are folded away, and with archiving off "
        + $"(ProfileGrid:Archive:Enabled false) there is no archive to replay the year from. Name the types in ProfileGrid:History:Types "
        + $"(their year is kept from then on) and define the segment once a year has passed, or turn archiving on.";

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
        var replay = await HistoryBackfillAsync(parsed, previous);
        var definition = new SegmentDefinition(name, parsed.ToString(), description, definedAt, definedBy, replay);
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

    /// <summary>
    /// The replay that brings back the year of the types <paramref name="rule"/> makes history types, started now; the
    /// previous definition's when the rule makes none new but still reads a year (its back-fill may still run); null
    /// when it reads no year.
    /// </summary>
    /// <exception cref="ArgumentException">New history types with the archive off: nothing to replay.</exception>
    /// <exception cref="InvalidOperationException">Replays are queued to their limit: the definition must wait.</exception>
    private async Task<string?> HistoryBackfillAsync(Rules.SegmentRule rule, SegmentDefinition? previous)
    {
        var reads = Operand.YearTypes(rule);
        if (reads.Count == 0) return null;
        var known = SegmentCatalog.HistoryOf(history.Value.Types, state.State.Definitions.Values.Select(Readable).OfType<Rules.SegmentRule>());
        string[] fresh = [.. reads.Where(type => !known.Contains(type))];
        if (fresh.Length == 0) return previous?.HistoryReplay;
        if (!archiving.Enabled) throw new ArgumentException(NoArchiveRefusal(fresh));
        if (known.Count + fresh.Length > HistoryTypes.Max)
            throw new ArgumentException($"The rule reads the 365d of {string.Join(", ", fresh.Select(type => $"'{type}'"))}, which would make "
                + $"{known.Count + fresh.Length} history types, more than the {HistoryTypes.Max} a deployment keeps a year of "
                + $"(now {string.Join(", ", known.Types)}): a customer's stored state must stay within its bound.");
        var status = await GrainFactory.GetGrain<IReplayGrain>(IReplayGrain.Key).StartHistory(fresh)
            ?? throw new InvalidOperationException($"The rule reads the 365d of {string.Join(", ", fresh)}, whose year must be replayed from the archive, and "
                + $"{ReplaysState.MaxUnfinished} replays are already waiting or running: define the segment when one of them is done.");
        LogHistoryBackfill(logger, fresh, status.Id);
        return status.Id;

        static Rules.SegmentRule? Readable(SegmentDefinition definition) =>
            RuleParser.TryParseCanonical(definition.Rule, out var parsed, out _) ? parsed : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Types} became history types: replay {ReplayId} brings back their year")]
    private static partial void LogHistoryBackfill(ILogger logger, string[] types, string replayId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The back-fill of segment {Segment} did not start; its members fill as customers change")]
    private static partial void LogBackfillNotStarted(ILogger logger, Exception exception, string segment);

    public Task<SegmentDefinition[]> List() => Task.FromResult(state.State.Definitions.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToArray());
}

[GenerateSerializer, Alias("pg.SegmentRegistryState")]
public sealed class SegmentRegistryState
{
    [Id(0)] public Dictionary<string, SegmentDefinition> Definitions { get; set; } = new(StringComparer.Ordinal);
}
