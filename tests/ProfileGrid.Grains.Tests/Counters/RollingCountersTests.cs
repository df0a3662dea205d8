using ProfileGrid.Counters;
using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Counters;

public sealed class RollingCountersTests
{
    private static readonly DateTimeOffset Event = new(2026, 11, 1, 10, 30, 0, TimeSpan.Zero);

    private static CounterView ViewAt(RollingCounters counters, DateTimeOffset now, string type = "purchase") =>
        Assert.Single(counters.View(now), view => view.Type == type);

    private static RollingCounters OneEventAt(DateTimeOffset timestamp, decimal value = 10m, DateTimeOffset? receivedAt = null)
    {
        var counters = new RollingCounters();
        counters.Record("purchase", timestamp, value, receivedAt ?? timestamp);
        return counters;
    }

    [Fact]
    public void A_new_event_counts_in_every_window_and_the_total()
    {
        var view = ViewAt(OneEventAt(Event, 19.99m), Event);

        var expected = new WindowTotal(1, 19.99m);
        Assert.Equal((expected, expected, expected, expected, expected), (view.LastHour, view.LastDay, view.LastWeek, view.LastMonth, view.Total));
        Assert.Equal([.. new int[59], 1], view.LastHourByMinute);
    }

    [Theory]
    [InlineData("2026-11-01T11:29:59Z", 1)] // the event's minute (10:30) is the 60th minute back
    [InlineData("2026-11-01T11:30:00Z", 0)] // 10:30 has left the hour
    public void The_hour_window_holds_the_current_minute_and_the_59_before_it(string now, long expected) =>
        Assert.Equal(expected, ViewAt(OneEventAt(Event), DateTimeOffset.Parse(now)).LastHour.Count);

    [Theory]
    [InlineData("2026-11-02T09:59:59Z", 1)]
    [InlineData("2026-11-02T10:00:00Z", 0)]
    public void The_day_window_holds_the_current_hour_and_the_23_before_it(string now, long expected) =>
        Assert.Equal(expected, ViewAt(OneEventAt(Event), DateTimeOffset.Parse(now)).LastDay.Count);

    [Theory]
    [InlineData("2026-11-08T09:59:59Z", 1)]
    [InlineData("2026-11-08T10:00:00Z", 0)]
    public void The_week_window_holds_the_current_hour_and_the_167_before_it(string now, long expected) =>
        Assert.Equal(expected, ViewAt(OneEventAt(Event), DateTimeOffset.Parse(now)).LastWeek.Count);

    [Theory]
    [InlineData("2026-11-30T23:59:59Z", 1)]
    [InlineData("2026-12-01T00:00:00Z", 0)]
    public void The_month_window_holds_the_current_day_and_the_29_before_it(string now, long expected) =>
        Assert.Equal(expected, ViewAt(OneEventAt(Event), DateTimeOffset.Parse(now)).LastMonth.Count);

    [Fact]
    public void Windows_roll_forward_as_time_passes_without_new_events()
    {
        var counters = OneEventAt(Event, 5m);

        Assert.Equal(new WindowTotal(1, 5m), ViewAt(counters, Event.AddMinutes(30)).LastHour);
        Assert.Equal(new WindowTotal(0, 0m), ViewAt(counters, Event.AddHours(2)).LastHour);
        Assert.Equal(new WindowTotal(1, 5m), ViewAt(counters, Event.AddHours(2)).LastDay);
        Assert.Equal(new WindowTotal(0, 0m), ViewAt(counters, Event.AddDays(3)).LastDay);
        Assert.Equal(new WindowTotal(1, 5m), ViewAt(counters, Event.AddDays(3)).LastWeek);
        Assert.Equal(new WindowTotal(0, 0m), ViewAt(counters, Event.AddDays(10)).LastWeek);
        Assert.Equal(new WindowTotal(1, 5m), ViewAt(counters, Event.AddDays(10)).LastMonth);
        Assert.Equal(new WindowTotal(0, 0m), ViewAt(counters, Event.AddDays(40)).LastMonth);
        Assert.Equal(new WindowTotal(1, 5m), ViewAt(counters, Event.AddDays(40)).Total);
    }

    [Fact]
    public void Late_events_land_in_the_window_of_their_own_timestamp()
    {
        var now = Event;
        var counters = new RollingCounters();
        counters.Record("purchase", now.AddHours(-3), 1m, now);
        counters.Record("purchase", now.AddDays(-2), 2m, now);
        counters.Record("purchase", now.AddDays(-20), 4m, now);
        counters.Record("purchase", now.AddMinutes(-5), 8m, now);

        var view = ViewAt(counters, now);

        Assert.Equal(new WindowTotal(1, 8m), view.LastHour);
        Assert.Equal(new WindowTotal(2, 9m), view.LastDay);
        Assert.Equal(new WindowTotal(3, 11m), view.LastWeek);
        Assert.Equal(new WindowTotal(4, 15m), view.LastMonth);
        Assert.Equal(new WindowTotal(4, 15m), view.Total);
    }

    [Fact]
    public void An_event_older_than_30_days_counts_in_the_total_only_and_keeps_no_slot()
    {
        var counters = OneEventAt(Event.AddDays(-31), 7m, receivedAt: Event);

        var view = ViewAt(counters, Event);

        Assert.Equal(new WindowTotal(0, 0m), view.LastMonth);
        Assert.Equal(new WindowTotal(1, 7m), view.Total);
        var series = counters.Series["purchase"];
        Assert.Empty(series.Minutes);
        Assert.Empty(series.Hours);
        Assert.Empty(series.Days);
    }

    [Fact]
    public void An_event_a_few_minutes_ahead_of_the_clock_counts_now()
    {
        var view = ViewAt(OneEventAt(Event.AddMinutes(4), receivedAt: Event), Event);

        Assert.Equal(1, view.LastHour.Count);
    }

    [Fact]
    public void Compacting_folds_old_slots_without_changing_any_window()
    {
        var start = Event;
        var counters = new RollingCounters();
        var random = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            var at = start.AddMinutes(i * 97 % (45 * 24 * 60));
            counters.Record(i % 3 == 0 ? "purchase" : "page_view", at, random.Next(0, 100), at);
        }

        var end = start.AddDays(45);
        for (var now = start.AddDays(20); now <= end; now = now.AddMinutes(173))
        {
            var before = Describe(counters.View(now));
            counters.Compact(now);
            Assert.Equal(before, Describe(counters.View(now)));
        }

        var series = counters.Series["purchase"];
        var clock = end;
        Assert.All(series.Minutes, bucket => Assert.True(bucket.Index >= clock.ToUnixTimeSeconds() / 60 - 59));
        Assert.True(series.Hours.Count <= 168);
        Assert.True(series.Days.Count <= 30);
    }

    [Fact]
    public void The_last_hour_is_also_given_minute_by_minute_oldest_first()
    {
        var counters = new RollingCounters();
        counters.Record("page_view", Event.AddMinutes(-59), 0m, Event);
        counters.Record("page_view", Event.AddMinutes(-59), 0m, Event);
        counters.Record("page_view", Event.AddMinutes(-30), 0m, Event);
        counters.Record("page_view", Event.AddMinutes(-60), 0m, Event);
        counters.Record("page_view", Event.AddMinutes(3), 0m, Event);

        var byMinute = ViewAt(counters, Event, "page_view").LastHourByMinute;

        Assert.Equal(60, byMinute.Length);
        Assert.Equal(2, byMinute[0]);
        Assert.Equal(1, byMinute[29]);
        Assert.Equal(1, byMinute[59]);
        Assert.Equal(4, byMinute.Sum());
    }

    private static string Describe(CounterView[] views) => string.Join(" | ", views.Select(v =>
        $"{v.Type} {v.LastHour} {v.LastDay} {v.LastWeek} {v.LastMonth} {v.Total} [{string.Join(',', v.LastHourByMinute)}]"));

    [Fact]
    public void Slots_are_sparse_and_one_per_time_slot()
    {
        var counters = new RollingCounters();
        for (var i = 0; i < 10; i++) counters.Record("page_view", Event.AddSeconds(i), 0m, Event.AddSeconds(i));

        var series = counters.Series["page_view"];

        Assert.Equal(new Bucket((int)(Event.ToUnixTimeSeconds() / 60), 10, 0m), Assert.Single(series.Minutes));
        Assert.Empty(series.Hours);
        Assert.Empty(series.Days);
    }

    [Fact]
    public void Event_types_are_counted_separately_and_listed_in_order()
    {
        var counters = new RollingCounters();
        counters.Record("purchase", Event, 30m, Event);
        counters.Record("cart_add", Event, 0m, Event);
        counters.Record("purchase", Event, 12.5m, Event);

        var views = counters.View(Event);

        Assert.Equal(["cart_add", "purchase"], views.Select(view => view.Type));
        Assert.Equal(new WindowTotal(2, 42.5m), views[1].Total);
        Assert.Equal(new WindowTotal(1, 0m), views[0].Total);
    }

    [Fact]
    public void Sums_saturate_instead_of_throwing_for_a_state_stored_before_values_were_bounded()
    {
        var counters = new RollingCounters();
        counters.Record("purchase", Event, decimal.MaxValue, Event);
        counters.Record("purchase", Event, decimal.MaxValue, Event);
        counters.Record("refund", Event, decimal.MinValue, Event);
        counters.Record("refund", Event, decimal.MinValue, Event);
        counters.Compact(Event.AddDays(2));

        var purchase = ViewAt(counters, Event.AddDays(2));
        var refund = ViewAt(counters, Event.AddDays(2), "refund");

        Assert.Equal(new WindowTotal(2, decimal.MaxValue), purchase.LastWeek);
        Assert.Equal(new WindowTotal(2, decimal.MaxValue), purchase.Total);
        Assert.Equal(new WindowTotal(2, decimal.MinValue), refund.LastMonth);
    }

    [Fact]
    public void A_merge_keeps_the_types_both_had_and_adds_new_ones_only_up_to_the_cap()
    {
        // The customer is one type short of the cap; the merged profile brings two new types and one it shares.
        var known = new RollingCounters();
        for (var i = 0; i < CustomerLimits.MaxEventTypes - 1; i++) known.Record($"type_{i}", Event, 1m, Event);
        var anonymous = new RollingCounters();
        foreach (var type in new[] { "type_0", "extra_a", "extra_b" }) anonymous.Record(type, Event, 2m, Event);

        known.Absorb(anonymous, Event);

        Assert.Equal(CustomerLimits.MaxEventTypes, known.TypeCount);
        Assert.Equal(new WindowTotal(2, 3m), ViewAt(known, Event, "type_0").Total);
        Assert.Equal(new WindowTotal(1, 2m), ViewAt(known, Event, "extra_a").Total);
        Assert.DoesNotContain(known.View(Event), view => view.Type == "extra_b");
    }
}
