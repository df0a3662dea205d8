using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Customers;

public sealed class IdempotencyLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly long Shop = IdempotencyLog.ScopeOf("webshop");
    private static readonly long Email = IdempotencyLog.ScopeOf("email");

    [Fact]
    public void An_id_is_new_once()
    {
        var log = new IdempotencyLog();

        Assert.True(log.TryAdd(Shop, "evt-1", Now));
        Assert.False(log.TryAdd(Shop, "evt-1", Now.AddHours(1)));
        Assert.True(log.TryAdd(Shop, "evt-2", Now));
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void The_same_id_from_two_producers_is_two_events()
    {
        var log = new IdempotencyLog();

        Assert.True(log.TryAdd(Shop, "evt-1", Now));
        Assert.True(log.TryAdd(Email, "evt-1", Now));
        Assert.False(log.TryAdd(Email, "evt-1", Now));
        Assert.NotEqual(Shop, Email);
    }

    [Fact]
    public void Ids_are_remembered_for_a_day()
    {
        var log = new IdempotencyLog();
        log.TryAdd(Shop, "evt-old", Now);
        log.TryAdd(Shop, "evt-new", Now.AddHours(2));

        log.Trim(Now.AddHours(25));

        Assert.Equal(1, log.Count);
        Assert.False(log.TryAdd(Shop, "evt-new", Now.AddHours(25)));
        Assert.True(log.TryAdd(Shop, "evt-old", Now.AddHours(25)));
    }

    [Fact]
    public void It_keeps_at_most_the_newest_10000_ids_however_many_came_in_a_day()
    {
        var log = new IdempotencyLog();
        for (var i = 0; i < IdempotencyLog.MaxEntries + 2000; i++) log.TryAdd(Shop, $"evt-{i}", Now.AddSeconds(i));

        log.Trim(Now.AddHours(23));

        Assert.Equal(IdempotencyLog.MaxEntries, log.Count);
        Assert.False(log.TryAdd(Shop, "evt-2000", Now.AddHours(23)));
        Assert.True(log.TryAdd(Shop, "evt-1999", Now.AddHours(23)));
    }

    [Fact]
    public void Ids_survive_a_round_trip_through_the_serializer()
    {
        var log = new IdempotencyLog();
        log.TryAdd(Shop, "evt-1", Now);
        log.TryAdd(Shop, "évènement-2", Now);

        var copy = SerializerFixture.RoundTrip(log);

        Assert.False(copy.TryAdd(Shop, "evt-1", Now));
        Assert.False(copy.TryAdd(Shop, "évènement-2", Now));
        Assert.True(copy.TryAdd(Shop, "evt-3", Now));
        Assert.True(copy.TryAdd(Email, "evt-1", Now));
    }

    [Fact]
    public void A_customer_trimmed_after_every_write_keeps_exactly_the_newest_10000()
    {
        var log = new IdempotencyLog();
        for (var i = 0; i < 30_000; i++)
        {
            log.TryAdd(Shop, $"evt-{i}", Now.AddMilliseconds(i * 5));
            if (i % 16 == 15) log.Trim(Now.AddMilliseconds(i * 5));
            Assert.InRange(log.Count, 1, IdempotencyLog.MaxEntries + 16);
        }

        log.Trim(Now.AddMinutes(3));

        Assert.Equal(IdempotencyLog.MaxEntries, log.Count);
        Assert.False(log.TryAdd(Shop, "evt-20000", Now.AddMinutes(3)));
        Assert.False(log.TryAdd(Shop, "evt-29999", Now.AddMinutes(3)));
        Assert.True(log.TryAdd(Shop, "evt-19999", Now.AddMinutes(3)));
    }

    [Fact]
    public void A_trimmed_log_stores_only_what_it_keeps()
    {
        var log = new IdempotencyLog();
        for (var i = 0; i < IdempotencyLog.MaxEntries + 500; i++) log.TryAdd(Shop, $"evt-{i}", Now.AddSeconds(i / 100));
        log.Trim(Now.AddMinutes(2));

        var copy = SerializerFixture.RoundTrip(log);

        Assert.Equal(IdempotencyLog.MaxEntries * sizeof(ulong), log.Digests.Length);
        Assert.Equal(IdempotencyLog.MaxEntries, log.Minutes.Sum(run => run.Count));
        Assert.Equal(IdempotencyLog.MaxEntries, copy.Count);
        Assert.False(copy.TryAdd(Shop, "evt-500", Now.AddMinutes(2)));
        Assert.True(copy.TryAdd(Shop, "evt-499", Now.AddMinutes(2)));
        copy.Trim(Now.AddDays(1).AddMinutes(2));
        Assert.Equal(1, copy.Count);
    }

    [Fact]
    public void Minutes_that_do_not_match_the_digests_are_refused()
    {
        var log = new IdempotencyLog();
        log.TryAdd(Shop, "evt-1", Now);
        log.TryAdd(Shop, "evt-2", Now.AddMinutes(1));

        Assert.Equal([new MinuteRun(29_923_920, 1), new MinuteRun(29_923_921, 1)], log.Minutes);
        Assert.Throws<InvalidDataException>(() => log.Minutes = [new MinuteRun(29_923_920, 1)]);
        Assert.Throws<InvalidDataException>(() => log.Minutes = [new MinuteRun(29_923_921, 1), new MinuteRun(29_923_920, 1)]);
        Assert.Throws<InvalidDataException>(() => log.Digests = new byte[12]);
    }
}
