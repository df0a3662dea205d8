using ProfileGrid.Counters;
using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Counters;

/// <summary>
/// History types (issue 27, part 3): their day slots are kept for 365 days, sparse, and the 365d window is the current
/// UTC day and the 364 before it; every type knows its first event, however old and in whatever order it arrived;
/// other types still fold at 30 days.
/// </summary>
public sealed class HistoryCountersTests
{
    /// <summary>The first instant of a UTC day; 2026 is no leap year, so a year later is 365 days later.</summary>
    private static readonly DateTimeOffset DayStart = new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly HistoryTypes Purchases = HistoryTypes.Of(["purchase"]);

    private static CounterView ViewAt(RollingCounters counters, DateTimeOffset now, string type = "purchase", HistoryTypes? history = null) =>
        Assert.Single(counters.View(now, history ?? Purchases), view => view.Type == type);

    [Theory]
    [InlineData("2026-10-31T23:59:00Z", 1)] // 364 days 23:59 old: its day is the 365th back
    [InlineData("2026-10-31T23:59:59.9999999Z", 1)]
    [InlineData("2026-11-01T00:00:00Z", 0)] // exactly 365 days old: its day has left the window
    public void The_year_window_holds_the_current_day_and_the_364_before_it_for_an_old_event_recorded_now(string now, long expected)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var counters = new RollingCounters();
        counters.Record("purchase", DayStart, 25m, at, Purchases);

        var view = ViewAt(counters, at);

        Assert.Equal(new WindowTotal(expected, expected * 25m), view.LastYear);
        Assert.Equal(new WindowTotal(1, 25m), view.Total);
        Assert.Equal((int)expected, counters.Series["purchase"].Days.Count);
    }

    [Theory]
    [InlineData("2026-10-31T23:59:00Z", 1)]
    [InlineData("2026-11-01T00:00:00Z", 0)]
    public void A_day_slot_leaves_the_year_exactly_365_days_after_its_day_began_as_time_passes(string now, long expected)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var counters = new RollingCounters();
        counters.Record("purchase", DayStart.AddHours(10), 25m, DayStart.AddHours(10), Purchases);
        // Aged step by step as writes would age it: minutes into hours, hours into days, days kept a year.
        for (var step = DayStart.AddDays(1); step < at; step = step.AddDays(7)) counters.Compact(step, Purchases);
        counters.Compact(at, Purchases);

        Assert.Equal(expected, ViewAt(counters, at).LastYear!.Value.Count);
        Assert.Equal((int)expected, counters.Series["purchase"].Days.Count);
        Assert.Equal(1, ViewAt(counters, at).Total.Count);
    }

    [Fact]
    public void A_type_that_is_not_a_history_type_still_folds_its_days_at_30_and_shows_no_year()
    {
        var now = DayStart.AddDays(300);
        var counters = new RollingCounters();
        foreach (var type in new[] { "purchase", "page_view" })
        {
            counters.Record(type, now.AddDays(-29), 1m, now, Purchases);
            counters.Record(type, now.AddDays(-30), 2m, now, Purchases);
            counters.Record(type, now.AddDays(-200), 4m, now, Purchases);
        }

        var pageView = ViewAt(counters, now, "page_view");
        var purchase = ViewAt(counters, now);

        Assert.Null(pageView.LastYear);
        Assert.Equal(new WindowTotal(1, 1m), pageView.LastMonth);
        Assert.Equal(new WindowTotal(3, 7m), pageView.Total);
        Assert.Single(counters.Series["page_view"].Days);
        Assert.Equal(new WindowTotal(1, 1m), purchase.LastMonth);
        Assert.Equal(new WindowTotal(3, 7m), purchase.LastYear);
        Assert.Equal(3, counters.Series["purchase"].Days.Count);

        // Aged a day with purchase no longer a history type: its days past the month fold away too.
        counters.Compact(now.AddDays(1), HistoryTypes.None);
        Assert.Empty(counters.Series["purchase"].Days);
        Assert.Null(ViewAt(counters, now.AddDays(1), history: HistoryTypes.None).LastYear);
        Assert.Equal(new WindowTotal(3, 7m), ViewAt(counters, now.AddDays(1), history: HistoryTypes.None).Total);
    }

    [Fact]
    public void A_customer_who_buys_five_times_a_year_holds_five_day_slots()
    {
        var counters = new RollingCounters();
        var now = DayStart;
        for (var i = 0; i < 5; i++)
        {
            now = DayStart.AddDays(i * 73).AddHours(15);
            counters.Record("purchase", now, 100m + i, now, Purchases);
            counters.Compact(now, Purchases);
        }

        now = now.AddDays(40);
        counters.Compact(now, Purchases);

        var series = counters.Series["purchase"];
        Assert.Equal(5, series.Days.Count);
        Assert.Empty(series.Hours);
        Assert.Empty(series.Minutes);
        Assert.Equal(new WindowTotal(5, 510m), ViewAt(counters, now).LastYear);
        // A year after the second purchase's day began, the first two have left.
        var later = DayStart.AddDays(73 + 365);
        counters.Compact(later, Purchases);
        Assert.Equal(new WindowTotal(3, 309m), ViewAt(counters, later).LastYear);
        Assert.Equal(3, series.Days.Count);
    }

    [Fact]
    public void The_first_event_is_the_earliest_whatever_order_imports_bring_them_in()
    {
        var now = DayStart.AddDays(400);
        var counters = new RollingCounters();
        counters.Record("purchase", now.AddDays(-10), 1m, now, Purchases);
        counters.Record("purchase", now.AddDays(-200), 1m, now, Purchases);
        counters.Record("purchase", now.AddDays(-3), 1m, now, Purchases);
        counters.Record("purchase", now.AddDays(-500).AddTicks(7), 1m, now, Purchases);
        counters.Record("purchase", now.AddDays(-20), 1m, now, Purchases);
        counters.Record("page_view", now.AddMinutes(-1), 0m, now);

        var purchase = ViewAt(counters, now);

        Assert.Equal(now.AddDays(-500).AddTicks(7), purchase.FirstAt);
        Assert.True(purchase.FirstKnown);
        Assert.Equal(now.AddDays(-3), purchase.LastAt);
        Assert.Equal(new WindowTotal(4, 4m), purchase.LastYear);
        Assert.Equal(now.AddMinutes(-1), ViewAt(counters, now, "page_view").FirstAt);
    }

    [Fact]
    public void A_series_stored_before_first_events_were_kept_does_not_guess_one()
    {
        var now = DayStart;
        var counters = new RollingCounters();
        counters.Record("purchase", now.AddDays(-3), 1m, now);
        counters.Series["purchase"].FirstTicks = 0;
        counters.Record("purchase", now.AddDays(-1), 1m, now);

        var view = ViewAt(counters, now);

        Assert.False(view.FirstKnown);
        Assert.Null(view.FirstAt);
    }

    [Fact]
    public void A_merge_keeps_the_earlier_first_event_and_the_year_of_both()
    {
        var now = DayStart.AddDays(300);
        var known = new RollingCounters();
        known.Record("purchase", now.AddDays(-100), 10m, now, Purchases);
        var anonymous = new RollingCounters();
        anonymous.Record("purchase", now.AddDays(-250), 20m, now, Purchases);
        anonymous.Record("purchase", now.AddDays(-100), 5m, now, Purchases);

        known.Absorb(anonymous, now, Purchases);

        var view = ViewAt(known, now);
        Assert.Equal(now.AddDays(-250), view.FirstAt);
        Assert.Equal(new WindowTotal(3, 35m), view.LastYear);
        Assert.Equal(2, known.Series["purchase"].Days.Count);
    }

    [Fact]
    public void Unknown_history_types_keep_a_year_of_every_type()
    {
        var now = DayStart.AddDays(300);
        var counters = new RollingCounters();
        counters.Record("page_view", now.AddDays(-200), 1m, now, HistoryTypes.All);
        counters.Compact(now, HistoryTypes.All);

        Assert.Single(counters.Series["page_view"].Days);
        counters.Compact(now, HistoryTypes.None);
        Assert.Empty(counters.Series["page_view"].Days);
    }

    [Fact]
    public void The_configured_history_types_are_event_types_and_at_most_8()
    {
        Assert.Empty(new HistoryOptions { Types = ["purchase", "order.completed", "page-view_2"] }.Problems());
        Assert.Equal(
            ["Types: 'Purchase' is not an event type (1 to 64 characters of a-z, 0-9, _, . and -).",
             "Types names 9 event types; at most 8 are kept a year."],
            new HistoryOptions { Types = ["Purchase", .. Enumerable.Range(1, 8).Select(i => $"t{i}")] }.Problems());
    }
}
