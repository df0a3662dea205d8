using Orleans.Concurrency;

namespace ProfileGrid.Segments;

/// <summary>
/// One shard of a segment's member set (key <see cref="SegmentShards.Key"/>): the customers in the segment whose id
/// hashes to the shard, sorted by id, each with when it entered and when time alone may move it out. Customers send
/// their entering and leaving; agents' gateways subscribe to hear them.
/// </summary>
[Alias("pg.ISegmentMembersGrain")]
public interface ISegmentMembersGrain : IGrainWithStringKey
{
    /// <summary>Stores the changes (in order; entering again refreshes the member, leaving a non-member does nothing), then tells the subscribers.</summary>
    [Alias("Update")]
    Task Update([Immutable] MembershipChange[] changes);

    /// <summary>Members with an id after <paramref name="after"/> (ordinal), at most <paramref name="limit"/>, in id order.</summary>
    [Alias("Members"), Orleans.Concurrency.ReadOnly]
    Task<SegmentMember[]> Members(string? after, int limit);

    [Alias("Count"), Orleans.Concurrency.ReadOnly]
    Task<int> Count();

    /// <summary>Subscribes (or renews) a gateway for <see cref="ISegmentObserver.SegmentChanged"/>; expires unless renewed within a minute.</summary>
    [Alias("Subscribe")]
    Task Subscribe(ISegmentObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(ISegmentObserver observer);
}

/// <summary>A customer entered or left a segment, and why (the values that made the rule true; none when leaving).</summary>
/// <param name="RecheckAt">For a member: when time alone may move it out, so the shard asks it again (null: only events can).</param>
/// <param name="Erased">The customer was erased: the shard rewrites its storage so that no earlier entry keeps the id.</param>
[GenerateSerializer, Immutable, Alias("pg.MembershipChange")]
public sealed record MembershipChange(
    [property: Id(0)] string Segment,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] bool Entered,
    [property: Id(3)] string[] Reasons,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] DateTimeOffset? RecheckAt = null,
    [property: Id(6)] bool Erased = false);

/// <summary>A member of a segment and since when.</summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentMember")]
public sealed record SegmentMember([property: Id(0)] string CustomerId, [property: Id(1)] DateTimeOffset Since);

/// <summary>A gateway's callback for segment changes; one-way, so a shard never waits on a gateway.</summary>
[Alias("pg.ISegmentObserver")]
public interface ISegmentObserver : IGrainObserver
{
    [Alias("SegmentChanged"), OneWay]
    Task SegmentChanged(MembershipChange change);
}

/// <summary>How a segment's members spread over shards.</summary>
public static class SegmentShards
{
    /// <summary>
    /// Shards per segment: a million members make about 15,600 per shard, a snapshot of some 400 KB before
    /// compression, inside a journal's 768 KiB.
    /// </summary>
    public const int Count = 64;

    public static string Key(string segment, int shard) => $"{segment}/{shard}";

    public static int Of(string customerId)
    {
        // FNV-1a: stable across processes and versions (string.GetHashCode is not).
        var hash = 2166136261u;
        foreach (var c in customerId) hash = (hash ^ c) * 16777619u;
        return (int)(hash % Count);
    }

    public static ISegmentMembersGrain For(this IGrainFactory grains, string segment, int shard) =>
        grains.GetGrain<ISegmentMembersGrain>(Key(segment, shard));
}
