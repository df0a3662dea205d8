using ProfileGrid.Counters;
using ProfileGrid.Customers;

namespace ProfileGrid.Segments;

/// <summary>
/// What of one customer time alone moves, as of <see cref="Now"/>: the counters' slots (each leaves its windows at an
/// instant known in advance), first and last seen, and the value scores, which read the days since the last purchase
/// and since first seen. Read by <see cref="RuleTiming"/>; it changes nothing.
/// </summary>
public sealed class CustomerTimeline(RollingCounters counters, DateTimeOffset? firstSeen, DateTimeOffset? lastSeen, ValueOptions value, DateTimeOffset now)
{
    private CounterView[]? _views;

    public DateTimeOffset Now => now;

    public DateTimeOffset? FirstSeen => firstSeen;

    public DateTimeOffset? LastSeen => lastSeen;

    public ValueOptions Value => value;

    public static CustomerTimeline Of(CustomerState state, ValueOptions value, DateTimeOffset now) =>
        new(state.Counters, state.FirstSeen, state.LastSeen, value, now);

    /// <summary>The latest event of the type, however old; null when the customer never had one.</summary>
    public DateTimeOffset? LastOf(string type) => counters.Series.GetValueOrDefault(type)?.LastAt;

    /// <summary>The first event of the type, however old; null when the customer never had one (or it is not known).</summary>
    public DateTimeOffset? FirstOf(string type) => counters.Series.GetValueOrDefault(type)?.FirstAt;

    /// <summary>
    /// The value scores at <paramref name="instant"/> without a new event: the counters' totals and latest events do not
    /// move with time, only the days since them do.
    /// </summary>
    public ValueScores ScoresAt(DateTimeOffset instant) => ValueScoring.Score(value, _views ??= counters.View(now), firstSeen, instant);

    /// <summary>
    /// The slots of the type that count in <paramref name="window"/> now, each with the instant it leaves the window,
    /// earliest first; exactly the slots <see cref="CounterSeries"/> counts in its view (none for <see cref="Window.Total"/>).
    /// </summary>
    public IReadOnlyList<(DateTimeOffset Leaves, Bucket Slot)> SlotsIn(string type, Window window)
    {
        if (window == Window.Total || counters.Series.GetValueOrDefault(type) is not { } series) return [];
        var slots = new List<(DateTimeOffset Leaves, Bucket Slot)>();
        foreach (var minute in series.Minutes)
        {
            var hour = BucketClock.HourOfMinute(minute.Index);
            Add(window switch
            {
                Window.Hour => Windows.HourLeaves(minute.Index),
                Window.Day => Windows.DayLeaves(hour),
                Window.Week => Windows.WeekLeaves(hour),
                Window.Year => Windows.YearLeaves(BucketClock.DayOfMinute(minute.Index)),
                _ => Windows.MonthLeaves(BucketClock.DayOfMinute(minute.Index)),
            }, minute);
        }

        if (window != Window.Hour)
        {
            foreach (var hour in series.Hours)
            {
                Add(window switch
                {
                    Window.Day => Windows.DayLeaves(hour.Index),
                    Window.Week => Windows.WeekLeaves(hour.Index),
                    Window.Year => Windows.YearLeaves(BucketClock.DayOfHour(hour.Index)),
                    _ => Windows.MonthLeaves(BucketClock.DayOfHour(hour.Index)),
                }, hour);
            }
        }

        if (window is Window.Month or Window.Year)
        {
            foreach (var day in series.Days) Add(window == Window.Year ? Windows.YearLeaves(day.Index) : Windows.MonthLeaves(day.Index), day);
        }

        slots.Sort(static (a, b) => a.Leaves.CompareTo(b.Leaves));
        return slots;

        // A slot counts while now is before the instant it leaves.
        void Add(DateTimeOffset leaves, Bucket slot)
        {
            if (leaves > now) slots.Add((leaves, slot));
        }
    }
}
