using ProfileGrid.Customers;

namespace ProfileGrid.Counters;

/// <summary>
/// Rolling counts and value sums of one event type. Each event is kept once, in the finest slot its age allows:
/// minutes within the last hour, hours within the last week, days within the last month (the last 365 days for a
/// history type, <see cref="HistoryTypes"/>); older events count in the lifetime totals only. Slots are sparse (only
/// slots with events exist) and sorted by index; as time moves, <see cref="Compact"/> folds aged minutes into hours and
/// hours into days, and drops the days past the month (the year for a history type).
/// </summary>
[GenerateSerializer, Alias("pg.CounterSeries")]
public sealed class CounterSeries
{
    [Id(0)] public long TotalCount { get; set; }

    [Id(1)] public decimal TotalSum { get; set; }

    [Id(2)] public List<Bucket> Minutes { get; set; } = [];

    [Id(3)] public List<Bucket> Hours { get; set; } = [];

    [Id(4)] public List<Bucket> Days { get; set; } = [];

    /// <summary>The latest timestamp of an event of this type, however old (for recency), as UTC ticks (0: none).</summary>
    [Id(6)] public long LastTicks { get; set; }

    /// <summary>
    /// The earliest timestamp of an event of this type, however old (imports may bring older events later), as UTC
    /// ticks; 0 before the first event, and for a series stored before it was kept (then <see cref="FirstKnown"/> is false).
    /// </summary>
    [Id(7)] public long FirstTicks { get; set; }

    public DateTimeOffset? LastAt => LastTicks == 0 ? null : new DateTimeOffset(LastTicks, TimeSpan.Zero);

    /// <summary>Whether <see cref="FirstTicks"/> says when the first event was: false only for events recorded before it was kept.</summary>
    public bool FirstKnown => FirstTicks != 0 || TotalCount == 0;

    public DateTimeOffset? FirstAt => FirstTicks == 0 ? null : new DateTimeOffset(FirstTicks, TimeSpan.Zero);

    /// <param name="history">Whether the type is a history type: its day slots are kept for a year.</param>
    /// <returns>False when the event is older than the days kept and so counts in the lifetime totals only.</returns>
    internal bool Record(DateTimeOffset timestamp, decimal value, BucketClock now, bool history)
    {
        // A series whose first event is not known (recorded before it was kept) learns nothing from a later one.
        if (TotalCount == 0 || (FirstTicks != 0 && timestamp.UtcTicks < FirstTicks)) FirstTicks = timestamp.UtcTicks;
        TotalCount++;
        TotalSum = SaturatingSum.Add(TotalSum, value);
        if (timestamp.UtcTicks > LastTicks) LastTicks = timestamp.UtcTicks;
        var at = BucketClock.At(timestamp);
        var from = Windows.At(now);
        return Place(at.Minute, at.Hour, at.Day, count: 1, value, from, history);
    }

    /// <summary>Adds another series' totals and slots (both compacted to <paramref name="now"/>), slot by slot.</summary>
    internal void Absorb(CounterSeries other, BucketClock now, bool history)
    {
        FirstTicks = !FirstKnown || !other.FirstKnown ? 0
            : FirstTicks == 0 ? other.FirstTicks
            : other.FirstTicks == 0 ? FirstTicks
            : Math.Min(FirstTicks, other.FirstTicks);
        TotalCount += other.TotalCount;
        TotalSum = SaturatingSum.Add(TotalSum, other.TotalSum);
        if (other.LastTicks > LastTicks) LastTicks = other.LastTicks;
        var from = Windows.At(now);
        foreach (var minute in other.Minutes)
        {
            var hour = BucketClock.HourOfMinute(minute.Index);
            Place(minute.Index, hour, BucketClock.DayOfHour(hour), minute.Count, minute.Sum, from, history);
        }

        foreach (var hour in other.Hours) Place(int.MinValue, hour.Index, BucketClock.DayOfHour(hour.Index), hour.Count, hour.Sum, from, history);
        foreach (var day in other.Days) Place(int.MinValue, int.MinValue, day.Index, day.Count, day.Sum, from, history);
    }

    /// <param name="history">Whether the type is a history type: day slots stay for a year rather than a month.</param>
    internal void Compact(BucketClock now, bool history)
    {
        var from = Windows.At(now);
        var agedMinutes = CountOlderThan(Minutes, from.HourFromMinute);
        for (var i = 0; i < agedMinutes; i++)
        {
            var minute = Minutes[i];
            var hour = BucketClock.HourOfMinute(minute.Index);
            Place(int.MinValue, hour, BucketClock.DayOfHour(hour), minute.Count, minute.Sum, from, history);
        }

        Minutes.RemoveRange(0, agedMinutes);
        var agedHours = CountOlderThan(Hours, from.WeekFromHour);
        for (var i = 0; i < agedHours; i++)
        {
            var hour = Hours[i];
            Place(int.MinValue, int.MinValue, BucketClock.DayOfHour(hour.Index), hour.Count, hour.Sum, from, history);
        }

        Hours.RemoveRange(0, agedHours);
        Days.RemoveRange(0, CountOlderThan(Days, from.DaysFrom(history)));
    }

    /// <param name="history">Whether the type is a history type: the view then holds its 365-day window (null otherwise, as its days are not kept).</param>
    internal CounterView View(string type, BucketClock now, bool history)
    {
        var from = Windows.At(now);
        WindowTotal lastHour = default, lastDay = default, lastWeek = default, lastMonth = default, lastYear = default;
        var byMinute = new int[Windows.MinutesKept];
        foreach (var minute in Minutes)
        {
            var hour = BucketClock.HourOfMinute(minute.Index);
            if (minute.Index >= from.HourFromMinute)
            {
                Add(ref lastHour, minute);
                // A few minutes ahead of the clock count in the current minute.
                byMinute[Math.Min(minute.Index - from.HourFromMinute, Windows.MinutesKept - 1)] += minute.Count;
            }

            if (hour >= from.DayFromHour) Add(ref lastDay, minute);
            if (hour >= from.WeekFromHour) Add(ref lastWeek, minute);
            if (BucketClock.DayOfMinute(minute.Index) >= from.MonthFromDay) Add(ref lastMonth, minute);
            if (BucketClock.DayOfMinute(minute.Index) >= from.YearFromDay) Add(ref lastYear, minute);
        }

        foreach (var hour in Hours)
        {
            if (hour.Index >= from.DayFromHour) Add(ref lastDay, hour);
            if (hour.Index >= from.WeekFromHour) Add(ref lastWeek, hour);
            if (BucketClock.DayOfHour(hour.Index) >= from.MonthFromDay) Add(ref lastMonth, hour);
            if (BucketClock.DayOfHour(hour.Index) >= from.YearFromDay) Add(ref lastYear, hour);
        }

        foreach (var day in Days)
        {
            if (day.Index >= from.MonthFromDay) Add(ref lastMonth, day);
            if (day.Index >= from.YearFromDay) Add(ref lastYear, day);
        }

        return new CounterView(type, lastHour, lastDay, lastWeek, lastMonth, new WindowTotal(TotalCount, TotalSum), byMinute, LastAt,
            history ? lastYear : null, FirstAt, FirstKnown);
    }

    private bool Place(int minute, int hour, int day, int count, decimal sum, Windows from, bool history)
    {
        if (minute >= from.HourFromMinute) Increment(Minutes, minute, count, sum);
        else if (hour >= from.WeekFromHour) Increment(Hours, hour, count, sum);
        else if (day >= from.DaysFrom(history)) Increment(Days, day, count, sum);
        else return false;
        return true;
    }

    private static void Add(ref WindowTotal total, Bucket bucket) =>
        total = new WindowTotal(total.Count + bucket.Count, SaturatingSum.Add(total.Sum, bucket.Sum));

    private static void Increment(List<Bucket> buckets, int index, int count, decimal sum)
    {
        var at = BinarySearch(buckets, index);
        if (at >= 0)
        {
            var bucket = buckets[at];
            buckets[at] = bucket with { Count = bucket.Count + count, Sum = SaturatingSum.Add(bucket.Sum, sum) };
        }
        else
        {
            buckets.Insert(~at, new Bucket(index, count, sum));
        }
    }

    /// <summary>How many leading buckets have an index below <paramref name="oldestKept"/>.</summary>
    private static int CountOlderThan(List<Bucket> buckets, int oldestKept)
    {
        var stale = 0;
        while (stale < buckets.Count && buckets[stale].Index < oldestKept) stale++;
        return stale;
    }

    private static int BinarySearch(List<Bucket> buckets, int index)
    {
        int low = 0, high = buckets.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var found = buckets[mid].Index;
            if (found == index) return mid;
            if (found < index) low = mid + 1;
            else high = mid - 1;
        }

        return ~low;
    }
}
