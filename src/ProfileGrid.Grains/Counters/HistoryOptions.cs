using ProfileGrid.Settings;

namespace ProfileGrid.Counters;

/// <summary>
/// Event types kept as history types whatever the segments read (configuration section <see cref="Section"/>,
/// <c>Types</c>): their day slots are kept for a year from the start, so a segment reading their <c>365d</c> needs no
/// back-fill by replay, and is accepted with the archive off. Adding a type here keeps its year from then on; it does
/// not rebuild the year before (docs/segments.md, "History-wide operands").
/// </summary>
public sealed class HistoryOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:History";

    public static string SectionPath => Section;

    public List<string> Types { get; set; } = [];

    public IEnumerable<string> Problems() =>
        Types.Where(type => !IsType(type)).Select(type => $"Types: '{type}' is not an event type (1 to 64 characters of a-z, 0-9, _, . and -).")
            .Concat(Types.Distinct(StringComparer.Ordinal).Count() > HistoryTypes.Max
                ? [$"Types names {Types.Distinct(StringComparer.Ordinal).Count()} event types; at most {HistoryTypes.Max} are kept a year."]
                : []);

    private static bool IsType(string? type) =>
        type is { Length: > 0 and <= Events.EventLimits.MaxTypeLength } && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');
}
