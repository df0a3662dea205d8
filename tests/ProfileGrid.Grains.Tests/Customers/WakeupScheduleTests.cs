using System.Globalization;
using ProfileGrid.Settings;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Grains.Tests.Customers;

/// <summary>How the wake-up schedule is cut into minutes and shards, and which options it starts with.</summary>
public sealed class WakeupScheduleTests
{
    [Theory]
    [InlineData("2026-11-23T12:59:59.9999999Z", "2026-11-23T12:59/")]
    [InlineData("2026-11-23T13:00:00Z", "2026-11-23T13:00/")]
    [InlineData("1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59/")]
    [InlineData("1970-01-01T00:00:00Z", "1970-01-01T00:00/")]
    public void An_instant_falls_in_the_minute_it_is_in_to_the_tick(string instant, string keyStart)
    {
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
        var minute = WakeupBuckets.MinuteOf(at);

        Assert.StartsWith(keyStart, WakeupBuckets.Key(minute, 0), StringComparison.Ordinal);
        Assert.InRange(at, WakeupBuckets.StartOf(minute), WakeupBuckets.StartOf(minute + 1).AddTicks(-1));
        Assert.Equal((minute, 17), WakeupBuckets.Parse(WakeupBuckets.Key(minute, 17)));
    }

    [Fact]
    public void Customers_spread_over_every_shard_and_keep_theirs()
    {
        var shards = Enumerable.Range(0, 2_000).Select(i => WakeupBuckets.ShardOf($"customer-{i}")).ToList();

        Assert.Equal(Enumerable.Range(0, WakeupBuckets.Shards), shards.Distinct().Order());
        Assert.Equal(shards, Enumerable.Range(0, 2_000).Select(i => WakeupBuckets.ShardOf($"customer-{i}")));
        Assert.Equal("2026-11-23T13:00/07", WakeupBuckets.Key(WakeupBuckets.MinuteOf(new DateTimeOffset(2026, 11, 23, 13, 0, 30, TimeSpan.Zero)), 7));
    }

    [Fact]
    public void A_bucket_key_starts_with_its_hour_and_its_day_and_anything_else_in_the_schedule_is_no_bucket()
    {
        var minute = WakeupBuckets.MinuteOf(new DateTimeOffset(2026, 11, 23, 13, 59, 59, TimeSpan.Zero));

        Assert.Equal("2026-11-23T13:", WakeupBuckets.HourPrefix(minute));
        Assert.Equal("2026-11-23T", WakeupBuckets.DayPrefix(minute));
        Assert.StartsWith(WakeupBuckets.HourPrefix(minute), WakeupBuckets.Key(minute, 31), StringComparison.Ordinal);
        Assert.DoesNotContain(WakeupBuckets.HourPrefix(minute), WakeupBuckets.Key(minute + 1, 0), StringComparison.Ordinal);
        Assert.True(WakeupBuckets.TryParse(WakeupBuckets.Key(minute, 31), out var parsed, out var shard));
        Assert.Equal((minute, 31), (parsed, shard));
        foreach (var key in new[] { "scheduler", "2026-11-23T13:59", "2026-11-23T13:59/32", "2026-11-23T13:59/-1", "2026-11-23T13:59/x", "2026-11-23T13/01" })
        {
            Assert.False(WakeupBuckets.TryParse(key, out _, out _), key);
        }
    }

    [Fact]
    public void Options_that_would_wake_customers_late_or_never_are_named()
    {
        var options = new WakeupOptions { TickPeriod = TimeSpan.FromMinutes(1), MaxWakesPerTick = 0, MaxMinutesPerTick = 0, ConcurrentWakes = 0, ListFromMinutes = 0 };

        Assert.Equal(
            ["ProfileGrid:Wakeups:TickPeriod must be 10 ms to 30 s, not 00:01:00.", "ProfileGrid:Wakeups:MaxWakesPerTick must be 1 to 100000, not 0.",
                "ProfileGrid:Wakeups:MaxMinutesPerTick must be 1 to 527040, not 0.", "ProfileGrid:Wakeups:ListFromMinutes must be 1 to 1440, not 0.",
                "ProfileGrid:Wakeups:ConcurrentWakes must be 1 to 1000, not 0."],
            new CheckedOptionsValidator<WakeupOptions>().Validate(null, options).Failures);
        Assert.Empty(new WakeupOptions().Problems());
        Assert.Equal(["ProfileGrid:Wakeups:TickPeriod must be 10 ms to 30 s, not 00:00:00.0090000."],
            new CheckedOptionsValidator<WakeupOptions>().Validate(null, new WakeupOptions { TickPeriod = TimeSpan.FromMilliseconds(9) }).Failures);
        Assert.Empty(new WakeupOptions { TickPeriod = TimeSpan.FromSeconds(30), ListFromMinutes = 1440, MaxMinutesPerTick = 527040 }.Problems());
    }
}
