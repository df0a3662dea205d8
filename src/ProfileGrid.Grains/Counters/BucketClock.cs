namespace ProfileGrid.Counters;

/// <summary>
/// Slot numbers of an instant. Minutes, hours and days nest (60 | 3600 | 86400 seconds), so a finer slot always
/// lies inside exactly one coarser slot.
/// </summary>
internal readonly record struct BucketClock(int Minute, int Hour, int Day)
{
    public static BucketClock At(DateTimeOffset instant)
    {
        var minute = (int)Math.Floor(instant.ToUnixTimeSeconds() / 60d);
        return new(minute, FloorDiv(minute, 60), FloorDiv(minute, 60 * 24));
    }

    public static int HourOfMinute(int minute) => FloorDiv(minute, 60);

    public static int DayOfMinute(int minute) => FloorDiv(minute, 60 * 24);

    public static int DayOfHour(int hour) => FloorDiv(hour, 24);

    private static int FloorDiv(int value, int divisor) => (int)Math.Floor(value / (double)divisor);
}
