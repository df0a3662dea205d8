using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>A customer's live profile as of a moment: what the gateway shows and pushes.</summary>
/// <param name="Seq">One more for every change of the profile.</param>
/// <param name="Traits">Trait name → raw JSON value.</param>
/// <param name="RecentActivity">The latest events, newest first.</param>
[GenerateSerializer, Immutable, Alias("pg.CustomerProfile")]
public sealed record CustomerProfile(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] long Seq,
    [property: Id(2)] DateTimeOffset AsOf,
    [property: Id(3)] Dictionary<string, string> Traits,
    [property: Id(4)] Dictionary<string, bool> Consent,
    [property: Id(5)] DateTimeOffset? FirstSeen,
    [property: Id(6)] DateTimeOffset? LastSeen,
    [property: Id(7)] string[] Channels,
    [property: Id(8)] CounterView[] Counters,
    [property: Id(9)] CustomerEvent[] RecentActivity,
    [property: Id(10)] ValueScores? Value = null,
    [property: Id(11)] Dictionary<string, ConsentRecord>? ConsentRecords = null,
    [property: Id(12)] MergeRecord[]? Merges = null);

/// <summary>
/// A profile merged into this customer: the profile's id (e.g. <c>anon:7f3c…</c>), when, by whom (the producer key's
/// name) and which identifiers the link named.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.MergeRecord")]
public sealed record MergeRecord(
    [property: Id(0)] string From,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string By,
    [property: Id(3)] string[] Identifiers);
