namespace ProfileGrid.Replay;

/// <summary>
/// Where a replay stands: of the <see cref="Customers"/> it rebuilds (null until counted, for a replay of every
/// customer), how many it read from the archive, rebuilt, skipped (nothing to rebuild: no archive key, erased, or the
/// archive behind the customer) and failed (the archive does not hold the whole history, or the customer could not be
/// written), with the reasons and how many customers each concerns (never which: a status is stored, and names no one).
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.ReplayStatus")]
public sealed record ReplayStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] ReplayState State,
    [property: Id(2)] bool All,
    [property: Id(3)] long? Customers,
    [property: Id(4)] long CustomersRead,
    [property: Id(5)] long Rebuilt,
    [property: Id(6)] long Skipped,
    [property: Id(7)] long Failed,
    [property: Id(8)] DateTimeOffset RequestedAt,
    [property: Id(9)] DateTimeOffset? StartedAt,
    [property: Id(10)] DateTimeOffset? FinishedAt,
    [property: Id(11)] double CustomersPerSecond,
    [property: Id(12)] double? EtaSeconds,
    [property: Id(13)] ReplayReason[] Reasons,
    [property: Id(14)] string? Error);

/// <summary>Why customers were skipped or failed, and how many.</summary>
[GenerateSerializer, Immutable, Alias("pg.ReplayReason")]
public sealed record ReplayReason([property: Id(0)] string Outcome, [property: Id(1)] string Reason, [property: Id(2)] long Customers);

/// <summary>A replay waits for the one before it (queued), runs, and ends done, or failed when it could not go on.</summary>
public enum ReplayState { Queued, Running, Done, Failed }
