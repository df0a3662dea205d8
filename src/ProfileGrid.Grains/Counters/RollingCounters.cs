using ProfileGrid.Customers;

namespace ProfileGrid.Counters;

/// <summary>The rolling counters of one customer, one <see cref="CounterSeries"/> per event type.</summary>
[GenerateSerializer, Alias("pg.RollingCounters")]
public sealed class RollingCounters
{
    [Id(0)] public Dictionary<string, CounterSeries> Series { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many event types have counters.</summary>
    public int TypeCount => Series.Count;

    public bool Has(string type) => Series.ContainsKey(type);

    /// <param name="history">The history types (none when not given): the type's day slots are kept for a year if it is one.</param>
    public void Record(string type, DateTimeOffset timestamp, decimal value, DateTimeOffset now, HistoryTypes? history = null)
    {
        if (!Series.TryGetValue(type, out var series))
        {
            series = new CounterSeries();
            Series.Add(type, series);
        }

        series.Record(timestamp, value, BucketClock.At(now), (history ?? HistoryTypes.None).Contains(type));
    }

    /// <summary>Adds another customer's counters (a merge) as of <paramref name="now"/>; both are compacted to it first.</summary>
    public void Absorb(RollingCounters other, DateTimeOffset now, HistoryTypes? history = null)
    {
        var clock = BucketClock.At(now);
        history ??= HistoryTypes.None;
        foreach (var (type, series) in other.Series)
        {
            if (!Series.TryGetValue(type, out var mine))
            {
                if (Series.Count >= CustomerLimits.MaxEventTypes) continue;
                Series.Add(type, mine = new CounterSeries());
            }

            mine.Absorb(series, clock, history.Contains(type));
        }
    }

    /// <summary>Folds aged slots into coarser ones and drops what left the last month (the last year for <paramref name="history"/>); lifetime totals stay.</summary>
    public void Compact(DateTimeOffset now, HistoryTypes? history = null)
    {
        var clock = BucketClock.At(now);
        history ??= HistoryTypes.None;
        foreach (var (type, series) in Series) series.Compact(clock, history.Contains(type));
    }

    /// <summary>The windows of every event type as of <paramref name="now"/>, ordered by type; the 365-day window for <paramref name="history"/> types only.</summary>
    public CounterView[] View(DateTimeOffset now, HistoryTypes? history = null)
    {
        var clock = BucketClock.At(now);
        history ??= HistoryTypes.None;
        var views = new CounterView[Series.Count];
        var i = 0;
        foreach (var (type, series) in Series) views[i++] = series.View(type, clock, history.Contains(type));
        Array.Sort(views, static (a, b) => string.CompareOrdinal(a.Type, b.Type));
        return views;
    }
}
