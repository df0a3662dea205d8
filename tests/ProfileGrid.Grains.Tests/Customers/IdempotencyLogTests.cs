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
}
