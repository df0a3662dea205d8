using ProfileGrid.Customers;

namespace ProfileGrid.Simulation.Tests.Model;

/// <summary>What the model knows of one profile: the events it counts, the ids it applied, its traits and consent, and where it went.</summary>
public sealed class ModelProfile(string key)
{
    public string Key => key;

    public List<ModelEvent> Events { get; } = [];

    /// <summary>(producer, event id) → when it was applied.</summary>
    public Dictionary<(string Producer, string Id), DateTimeOffset> Applied { get; } = [];

    public Dictionary<string, string> Traits { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, bool> Consent { get; } = new(StringComparer.Ordinal);

    /// <summary>Every profile merged into this one, transitively.</summary>
    public HashSet<string> Merged { get; } = new(StringComparer.Ordinal);

    /// <summary>Emails this customer held and replaced (released from the index).</summary>
    public HashSet<string> FormerIdentifiers { get; } = new(StringComparer.Ordinal);

    public bool MergedAny { get; set; }

    public string? MergedInto { get; private set; }

    public bool Erased { get; private set; }

    /// <summary>Whether the profile shows: it holds events, traits or consent, or merged a profile in, and is neither erased nor merged away.</summary>
    public bool Exists => !Erased && MergedInto is null && (Events.Count > 0 || Traits.Count > 0 || Consent.Count > 0 || MergedAny);

    public DateTimeOffset? FirstSeen => Events.Count == 0 ? null : Events.Min(e => e.Timestamp);

    public DateTimeOffset? LastSeen => Events.Count == 0 ? null : Events.Max(e => e.Timestamp);

    public void DropMerged(string target)
    {
        Events.Clear();
        Applied.Clear();
        Traits.Clear();
        Consent.Clear();
        Merged.Clear();
        FormerIdentifiers.Clear();
        MergedInto = target;
    }

    public void Erase()
    {
        Events.Clear();
        Applied.Clear();
        Traits.Clear();
        Consent.Clear();
        Merged.Clear();
        FormerIdentifiers.Clear();
        MergedAny = false;
        Erased = true;
    }

    /// <summary>
    /// The event types whose year the grid keeps (ProfileGrid:History:Types in the simulated silo): their counters show
    /// the 365-day window, the current day and the 364 before it.
    /// </summary>
    public static readonly string[] HistoryTypes = ["purchase"];

    /// <summary>The counters as the grid shows them as of <paramref name="now"/>: windows aligned to minute, hour and day slots.</summary>
    public CounterView[] Counters(DateTimeOffset now)
    {
        return
        [
            .. Events.GroupBy(e => e.Type, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => new CounterView(
                group.Key,
                Window(group, e => Slot(e.Timestamp, 1) >= Slot(now, 1) - 59),
                Window(group, e => Slot(e.Timestamp, 60) >= Slot(now, 60) - 23),
                Window(group, e => Slot(e.Timestamp, 60) >= Slot(now, 60) - 167),
                Window(group, e => Slot(e.Timestamp, 1440) >= Slot(now, 1440) - 29),
                Window(group, _ => true),
                new int[60],
                group.Max(e => e.Timestamp),
                HistoryTypes.Contains(group.Key) ? Window(group, e => Slot(e.Timestamp, 1440) >= Slot(now, 1440) - 364) : null,
                group.Min(e => e.Timestamp))),
        ];
    }

    private static WindowTotal Window(IEnumerable<ModelEvent> events, Func<ModelEvent, bool> counts)
    {
        var inside = events.Where(counts).ToList();
        return new WindowTotal(inside.Count, inside.Sum(e => e.Value));
    }

    /// <summary>Events of the type in the 365-day window (the current UTC day and the 364 before it).</summary>
    public int InLastYear(string type, DateTimeOffset now) => Events.Count(e => e.Type == type && Slot(e.Timestamp, 1440) >= Slot(now, 1440) - 364);

    /// <summary>The slot of <paramref name="minutes"/> minutes an instant falls in, counted from the Unix epoch.</summary>
    private static long Slot(DateTimeOffset at, int minutes) => (long)Math.Floor((at - DateTimeOffset.UnixEpoch).TotalMinutes / minutes);
}
