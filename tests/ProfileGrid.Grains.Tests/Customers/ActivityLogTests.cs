using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Grains.Tests.Customers;

public sealed class ActivityLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static CustomerEvent At(int minute) => new($"evt-{minute}", "page_view", Start.AddMinutes(minute), null, null, null);

    [Fact]
    public void It_keeps_the_latest_50_events_newest_first()
    {
        var log = new ActivityLog();
        for (var minute = 0; minute < 60; minute++) log.Add(At(minute));

        Assert.Equal(ActivityLog.Capacity, log.Events.Count);
        Assert.Equal("evt-59", log.Events[0].Id);
        Assert.Equal("evt-10", log.Events[^1].Id);
    }

    [Fact]
    public void It_keeps_the_newest_events_whose_text_fits_in_2_KiB()
    {
        var log = new ActivityLog();
        var properties = $$"""{"path":"{{new string('p', 90)}}"}""";
        for (var minute = 10; minute < 60; minute++) log.Add(At(minute) with { Properties = properties });

        // Each entry counts 16 + 6 (id) + 9 (type) + 101 (properties) = 132 bytes: 15 fit in 2,048, 16 do not.
        Assert.Equal(15, log.Events.Count);
        Assert.Equal("evt-59", log.Events[0].Id);
        Assert.Equal("evt-45", log.Events[^1].Id);
        Assert.Equal(15 * 132, log.Bytes);
    }

    [Fact]
    public void A_late_event_takes_its_place_by_timestamp()
    {
        var log = new ActivityLog();
        log.Add(At(1));
        log.Add(At(3));
        log.Add(At(2));

        Assert.Equal(["evt-3", "evt-2", "evt-1"], log.Events.Select(e => e.Id));
    }

    [Fact]
    public void An_event_older_than_the_whole_log_is_not_kept()
    {
        var log = new ActivityLog();
        for (var minute = 10; minute < 60; minute++) log.Add(At(minute));

        log.Add(At(0));

        Assert.DoesNotContain(log.Events, e => e.Id == "evt-0");
        Assert.Equal(ActivityLog.Capacity, log.Events.Count);
    }
}
