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

    [Fact]
    public void Every_field_reads_back_exactly_as_added()
    {
        var log = new ActivityLog();
        CustomerEvent[] added =
        [
            new("évt-ø-1", "purchase", new DateTimeOffset(2026, 11, 23, 14, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567), 1234.5600m, "pos", """{"sku":"Ærø-42","qty":2}"""),
            new("evt-2", "page_view", Start, null, null, null),
            new("evt-3", "refund", Start.AddMinutes(-5), -0.01m, "", "{}"),
            new("evt-4", "support_call", new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.FromMinutes(-570)), decimal.MaxValue, "call_centre", null),
        ];
        foreach (var customerEvent in added) log.Add(customerEvent);

        var read = log.Events;

        Assert.Equal(added.OrderByDescending(e => e.Timestamp), read);
        Assert.Equal(added.Select(e => e.Timestamp.Offset), added.Select(e => read.Single(r => r.Id == e.Id).Timestamp.Offset));
        Assert.Equal("1234.5600", read.Single(e => e.Id == "évt-ø-1").Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(added.Sum(ActivityLog.SizeOf), log.Bytes);
        Assert.Equal(4, log.Count);
    }

    [Fact]
    public void Setting_the_events_as_stored_gives_the_same_log()
    {
        var log = new ActivityLog();
        for (var minute = 0; minute < 30; minute++) log.Add(At(minute) with { Value = minute, Channel = "web", Properties = $$"""{"n":{{minute}}}""" });

        var copy = new ActivityLog { Events = log.Events };
        copy.Add(At(30));
        log.Add(At(30));

        Assert.Equal(log.Events, copy.Events);
        Assert.Equal((log.Count, log.Bytes), (copy.Count, copy.Bytes));
    }

    [Fact]
    public void Adding_to_a_full_log_keeps_nothing_of_the_event_but_its_bytes()
    {
        var log = new ActivityLog();
        var events = Enumerable.Range(0, 400).Select(minute => At(minute) with { Channel = "web", Properties = """{"path":"/p"}""" }).ToArray();
        for (var i = 0; i < 200; i++) log.Add(events[i]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 200; i < 400; i++) log.Add(events[i]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The buffer reached its size with the first events; every later event is written into it in place.
        Assert.Equal(0, allocated);
        Assert.Equal("evt-399", log.Events[0].Id);
    }
}
