namespace ProfileGrid.Counters;

/// <summary>
/// The oldest slot each window still counts, as of one instant. Windows are aligned to slots:
/// 1 h = the current minute and the 59 before it; 24 h = the current hour and the 23 before it;
/// 7 d = the current hour and the 167 before it; 30 d = the current UTC day and the 29 before it.
/// </summary>
internal readonly record struct Windows(int HourFromMinute, int DayFromHour, int WeekFromHour, int MonthFromDay)
{
    public const int MinutesKept = 60;
    public const int HoursKept = 7 * 24;
    public const int DaysKept = 30;

    public static Windows At(BucketClock now) => new(
        HourFromMinute: now.Minute - (MinutesKept - 1),
        DayFromHour: now.Hour - 23,
        WeekFromHour: now.Hour - (HoursKept - 1),
        MonthFromDay: now.Day - (DaysKept - 1));
}
