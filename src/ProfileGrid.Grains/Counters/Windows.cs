namespace ProfileGrid.Counters;

/// <summary>
/// The oldest slot each window still counts, as of one instant. Windows are aligned to slots:
/// 1 h = the current minute and the 59 before it; 24 h = the current hour and the 23 before it;
/// 7 d = the current hour and the 167 before it; 30 d = the current UTC day and the 29 before it; 365 d (history
/// types only) = the current UTC day and the 364 before it.
/// </summary>
internal readonly record struct Windows(int HourFromMinute, int DayFromHour, int WeekFromHour, int MonthFromDay, int YearFromDay)
{
    public const int MinutesKept = 60;
    public const int HoursInDay = 24;
    public const int HoursKept = 7 * 24;
    public const int DaysKept = 30;
    public const int DaysKeptForHistory = 365;

    public static Windows At(BucketClock now) => new(
        HourFromMinute: now.Minute - (MinutesKept - 1),
        DayFromHour: now.Hour - (HoursInDay - 1),
        WeekFromHour: now.Hour - (HoursKept - 1),
        MonthFromDay: now.Day - (DaysKept - 1),
        YearFromDay: now.Day - (DaysKeptForHistory - 1));

    /// <summary>The oldest day slot kept: a year's for a history type, a month's for any other.</summary>
    public int DaysFrom(bool history) => history ? YearFromDay : MonthFromDay;

    /// <summary>The instant a minute slot leaves the 1-hour window: it counts strictly before, and not from then on (the inverse of <see cref="At"/>).</summary>
    public static DateTimeOffset HourLeaves(long minute) => Minutes(minute + MinutesKept);

    /// <summary>The instant an hour slot leaves the 24-hour window.</summary>
    public static DateTimeOffset DayLeaves(long hour) => Minutes((hour + HoursInDay) * 60);

    /// <summary>The instant an hour slot leaves the 7-day window.</summary>
    public static DateTimeOffset WeekLeaves(long hour) => Minutes((hour + HoursKept) * 60);

    /// <summary>The instant a day slot leaves the 30-day window.</summary>
    public static DateTimeOffset MonthLeaves(long day) => Minutes((day + DaysKept) * 60 * 24);

    /// <summary>The instant a day slot leaves the 365-day window.</summary>
    public static DateTimeOffset YearLeaves(long day) => Minutes((day + DaysKeptForHistory) * 60 * 24);

    private static DateTimeOffset Minutes(long sinceEpoch) => DateTimeOffset.UnixEpoch.AddTicks(sinceEpoch * TimeSpan.TicksPerMinute);
}
