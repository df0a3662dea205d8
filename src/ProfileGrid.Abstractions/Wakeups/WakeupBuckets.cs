using System.Globalization;

namespace ProfileGrid.Wakeups;

/// <summary>How the wake-up schedule is cut: a bucket per minute and shard.</summary>
public static class WakeupBuckets
{
    /// <summary>
    /// Shards per minute: a busy minute (the hours' and days' first, when windows move) spreads over this many buckets;
    /// the scheduler reads those that hold anyone. Fixed: a customer's bucket is found by it.
    /// </summary>
    public const int Shards = 32;

    /// <summary>
    /// A bucket takes registrations until this long before its minute ends (later ones go to the next minute), and the
    /// scheduler finishes a minute no earlier than this long after it ended: a registration on its way, or a silo's
    /// clock a little behind another's, finds its minute still open.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private const string MinuteFormat = "yyyy-MM-dd'T'HH:mm";

    private const string HourPrefixFormat = "yyyy-MM-dd'T'HH':'";

    private const string DayPrefixFormat = "yyyy-MM-dd'T'";

    /// <summary>The minute an instant falls in, counted from the Unix epoch.</summary>
    public static long MinuteOf(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return ticks >= 0 ? ticks / TimeSpan.TicksPerMinute : -((-ticks - 1) / TimeSpan.TicksPerMinute) - 1;
    }

    public static DateTimeOffset StartOf(long minute) => DateTimeOffset.UnixEpoch.AddTicks(minute * TimeSpan.TicksPerMinute);

    /// <summary>The customer's shard: FNV-1a of its id, stable across processes and versions (string.GetHashCode is not).</summary>
    public static int ShardOf(string customerId)
    {
        var hash = 2166136261u;
        foreach (var c in customerId) hash = (hash ^ c) * 16777619u;
        return (int)(hash % Shards);
    }

    /// <summary>A bucket's key, readable in the table: the minute's start in UTC and the shard, e.g. <c>2026-11-23T13:00/07</c>.</summary>
    public static string Key(long minute, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{StartOf(minute).ToString(MinuteFormat, CultureInfo.InvariantCulture)}/{shard:D2}");

    /// <summary>What the keys of the buckets of the hour <paramref name="minute"/> falls in start with, e.g. <c>2026-11-23T13:</c>.</summary>
    public static string HourPrefix(long minute) => StartOf(minute).ToString(HourPrefixFormat, CultureInfo.InvariantCulture);

    /// <summary>What the keys of the buckets of the day (UTC) <paramref name="minute"/> falls in start with, e.g. <c>2026-11-23T</c>.</summary>
    public static string DayPrefix(long minute) => StartOf(minute).ToString(DayPrefixFormat, CultureInfo.InvariantCulture);

    /// <summary>The minute and shard a bucket's key names; false for a key that names no bucket.</summary>
    public static bool TryParse(string key, out long minute, out int shard)
    {
        (minute, shard) = (0, 0);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !DateTimeOffset.TryParseExact(key.AsSpan(0, slash), MinuteFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
            || !int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out shard)
            || shard >= Shards)
        {
            return false;
        }

        minute = MinuteOf(start);
        return true;
    }

    /// <summary>The minute and shard a bucket's key names.</summary>
    /// <exception cref="FormatException"><paramref name="key"/> names no bucket.</exception>
    public static (long Minute, int Shard) Parse(string key) =>
        TryParse(key, out var minute, out var shard) ? (minute, shard) : throw new FormatException($"'{key}' names no wake-up bucket.");

    public static IWakeupBucketGrain Bucket(this IGrainFactory grains, long minute, int shard) => grains.GetGrain<IWakeupBucketGrain>(Key(minute, shard));

    /// <summary>The bucket that holds <paramref name="customerId"/> when it is due at <paramref name="due"/>.</summary>
    public static IWakeupBucketGrain BucketFor(this IGrainFactory grains, string customerId, DateTimeOffset due) =>
        grains.Bucket(MinuteOf(due), ShardOf(customerId));
}
