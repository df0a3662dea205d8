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
    [property: Id(11)] Dictionary<string, ConsentRecord>? ConsentRecords = null);
