using Orleans.Concurrency;

namespace ProfileGrid.Segments;

/// <summary>
/// One shard of a segment's member set (key <see cref="SegmentShards.Key"/>): the customers in the segment whose id
/// hashes to the shard, sorted by id, each with when it entered. Customers send their entering and leaving; agents'
/// gateways subscribe to hear them. A shard stores its members in rows of bounded size, however many it has.
/// </summary>
[Alias("pg.ISegmentMembersGrain")]
public interface ISegmentMembersGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the changes (in order; entering again refreshes the member, leaving a non-member does nothing, a change
    /// older than the member's <see cref="MembershipChange.Sequence"/> is ignored), then tells the subscribers.
    /// </summary>
    [Alias("Update")]
    Task Update([Immutable] MembershipChange[] changes);

    /// <summary>Members with an id after <paramref name="after"/> (ordinal), at most <paramref name="limit"/>, in id order.</summary>
    [Alias("Members"), Orleans.Concurrency.ReadOnly]
    Task<SegmentMember[]> Members(string? after, int limit);

    /// <summary>How many members the shard has: read from its directory, no member page is loaded.</summary>
    [Alias("Count"), Orleans.Concurrency.ReadOnly]
    Task<int> Count();

    /// <summary>The member with this id, since when and as of which of its sequence numbers; null when it is not a member.</summary>
    [Alias("Contains"), Orleans.Concurrency.ReadOnly]
    Task<SegmentMember?> Contains(string customerId);

    /// <summary>Subscribes (or renews) a gateway for <see cref="ISegmentObserver.SegmentChanged"/>; expires unless renewed within a minute.</summary>
    [Alias("Subscribe")]
    Task Subscribe(ISegmentObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(ISegmentObserver observer);
}

/// <summary>A customer entered or left a segment, and why (the values that made the rule true; none when leaving).</summary>
/// <param name="RecheckAt">Obsolete: shards no longer ask members again, and ignore it (kept so that stored and sent changes still read).</param>
/// <param name="Erased">
/// The customer was erased: the shard rewrites the page that holds (or held) the id and its directory, so that no
/// earlier entry keeps it; a member or not, whatever its sequence number.
/// </param>
/// <param name="Sequence">
/// The customer's sequence number when it decided this change (0: unknown). A shard ignores a change older than the one
/// it holds for the member, so an announcement sent again after a newer one does not undo it.
/// </param>
[GenerateSerializer, Immutable, Alias("pg.MembershipChange")]
public sealed record MembershipChange(
    [property: Id(0)] string Segment,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] bool Entered,
    [property: Id(3)] string[] Reasons,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] DateTimeOffset? RecheckAt = null,
    [property: Id(6)] bool Erased = false,
    [property: Id(7)] long Sequence = 0);

/// <summary>A member of a segment, since when, and the customer's sequence number of the change that holds it (0: unknown).</summary>
[GenerateSerializer, Immutable, Alias("pg.SegmentMember")]
public sealed record SegmentMember([property: Id(0)] string CustomerId, [property: Id(1)] DateTimeOffset Since, [property: Id(2)] long Sequence = 0);

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
    /// Shards per segment: the unit of parallelism (each is a grain that stores one change at a time), not of size;
    /// a shard stores its members in pages and grows without a ceiling of its own.
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
