namespace ProfileGrid.Segments;

/// <summary>The segment definitions of the deployment: one grain (key <see cref="Key"/>), stored in grain storage.</summary>
[Alias("pg.ISegmentRegistryGrain")]
public interface ISegmentRegistryGrain : IGrainWithStringKey
{
    public const string Key = "segments";

    /// <summary>Creates or replaces a segment; the rule is stored in its canonical text. Returns the stored definition.</summary>
    /// <exception cref="ArgumentException">
    /// The name or the rule is not valid (the gateway checks both first), or the rule reads the year of a type that
    /// is not a history type while archiving is off (nothing to back-fill its year from).
    /// </exception>
    /// <exception cref="InvalidOperationException">The rule needs a history back-fill and the replays are queued to their limit.</exception>
    [Alias("Define")]
    Task<SegmentDefinition> Define(string name, string rule, string? description, string definedBy);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<SegmentDefinition[]> List();
}

/// <summary>
/// A segment: its name, its rule in canonical text, and who defined it when. <see cref="DefinedAt"/> is also the
/// definition's version: the registry makes each definition of a name later than the one it replaces (by a tick, should
/// the clock not have moved or have gone back), so that the sweep and the catalogs can tell the newer of two apart.
/// <see cref="HistoryReplay"/> is the replay that brings back the year of the types the rule made history types
/// (docs/segments.md, "History-wide operands"); null when it needed none.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentDefinition")]
public sealed record SegmentDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Rule,
    [property: Id(2)] string? Description,
    [property: Id(3)] DateTimeOffset DefinedAt,
    [property: Id(4)] string DefinedBy,
    [property: Id(5)] string? HistoryReplay = null);

/// <summary>
/// A segment as a sweep works for it: its name and when the definition it fills was made. A customer it visits
/// evaluates the segment with that definition or a later one (<see cref="DateTimeOffset.MinValue"/>: any it holds).
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentVersion")]
public sealed record SegmentVersion([property: Id(0)] string Name, [property: Id(1)] DateTimeOffset DefinedAt);

/// <summary>Segment names: what the routes accept.</summary>
public static class SegmentNames
{
    public const int MaxSegments = 200;
    public const string Rule = "1 to 64 characters of a-z, 0-9, _ and -";

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');
}
