using System.Collections.Frozen;

namespace ProfileGrid.Counters;

/// <summary>
/// The event types whose day slots are kept for a year (<see cref="Windows.DaysKeptForHistory"/>) rather than a month:
/// those a defined segment's rule reads a year of (<c>type.365d</c>, <c>type.sum.365d</c>), and those configured
/// (<see cref="HistoryOptions"/>). Not stored with a customer: whoever applies or ages its counters says which they are.
/// </summary>
public sealed class HistoryTypes
{
    /// <summary>
    /// At most this many history types in a deployment (segments and configuration together), so that a customer's
    /// stored state keeps its bound: a year of day slots of 8 types at most, some 9,000 slots (StateSizeTests).
    /// </summary>
    public const int Max = 8;

    private readonly FrozenSet<string> _types;
    private readonly bool _all;

    private HistoryTypes(FrozenSet<string> types, bool all) => (_types, _all) = (types, all);

    /// <summary>No type: every type's day slots are kept for a month.</summary>
    public static readonly HistoryTypes None = new(FrozenSet<string>.Empty, all: false);

    /// <summary>
    /// Every type, for when the definitions cannot be read: a year of day slots is kept for all, so that nothing a
    /// history type needs is folded away; the next write that knows the types folds the others.
    /// </summary>
    public static readonly HistoryTypes All = new(FrozenSet<string>.Empty, all: true);

    public static HistoryTypes Of(IEnumerable<string> types)
    {
        var set = types.ToFrozenSet(StringComparer.Ordinal);
        return set.Count == 0 ? None : new HistoryTypes(set, all: false);
    }

    /// <summary>The types named, in ordinal order (none for <see cref="All"/>, which names none).</summary>
    public IReadOnlyList<string> Types => [.. _types.Order(StringComparer.Ordinal)];

    public bool Contains(string type) => _all || _types.Contains(type);

    /// <summary>How many types are named (none for <see cref="All"/>).</summary>
    public int Count => _types.Count;

    /// <summary>These types and <paramref name="more"/>.</summary>
    public HistoryTypes With(IEnumerable<string> more) => _all ? this : Of(_types.Concat(more));

    public override string ToString() => _all ? "(all types)" : string.Join(", ", Types);
}
