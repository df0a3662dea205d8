using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Customers;

public sealed class IdempotencyLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_id_is_new_once()
    {
        var log = new IdempotencyLog();

        Assert.True(log.TryAdd("evt-1", Now));
        Assert.False(log.TryAdd("evt-1", Now.AddHours(1)));
        Assert.True(log.TryAdd("evt-2", Now));
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void It_keeps_the_newest_10000_ids_even_when_they_are_older_than_a_day()
    {
        var log = new IdempotencyLog();
        for (var i = 0; i < IdempotencyLog.MinEntries + 500; i++) log.TryAdd($"evt-{i}", Now);

        log.Trim(Now.AddDays(3));

        Assert.Equal(IdempotencyLog.MinEntries, log.Count);
        Assert.False(log.TryAdd($"evt-{500}", Now.AddDays(3)));
        Assert.True(log.TryAdd($"evt-{499}", Now.AddDays(3)));
    }

    [Fact]
    public void It_keeps_every_id_of_the_last_24_hours_even_beyond_10000()
    {
        var log = new IdempotencyLog();
        for (var i = 0; i < IdempotencyLog.MinEntries + 2000; i++) log.TryAdd($"evt-{i}", Now.AddSeconds(i));

        log.Trim(Now.AddHours(23));

        Assert.Equal(IdempotencyLog.MinEntries + 2000, log.Count);
        Assert.False(log.TryAdd("evt-0", Now.AddHours(23)));
    }

    [Fact]
    public void Ids_survive_a_round_trip_through_the_serializer()
    {
        var log = new IdempotencyLog();
        log.TryAdd("evt-1", Now);
        log.TryAdd("évènement-2", Now);

        var copy = SerializerFixture.RoundTrip(log);

        Assert.False(copy.TryAdd("evt-1", Now));
        Assert.False(copy.TryAdd("évènement-2", Now));
        Assert.True(copy.TryAdd("evt-3", Now));
    }
}
