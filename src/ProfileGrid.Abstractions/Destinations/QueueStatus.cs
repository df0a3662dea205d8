namespace ProfileGrid.Destinations;

/// <summary>
/// What one of a destination's queues did since it was activated (<see cref="Since"/>; kept in memory, so a queue that
/// moves to another silo starts counting again): deliveries taken and given up on, failed attempts, whether its head is
/// being retried now, the last error and the latencies; and how many deliveries wait in it now.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.QueueStatus")]
public sealed record QueueStatus(
    [property: Id(0)] int Depth,
    [property: Id(1)] DateTimeOffset Since,
    [property: Id(2)] long Delivered,
    [property: Id(3)] long FailedAttempts,
    [property: Id(4)] bool Retrying,
    [property: Id(5)] long DeadLettered,
    [property: Id(6)] DeliveryError? LastError,
    [property: Id(7)] DeliveryLatencies Latencies);

/// <summary>An attempt's error as the queue saw it, and when.</summary>
[GenerateSerializer, Immutable, Alias("pg.DeliveryError")]
public sealed record DeliveryError([property: Id(0)] string Error, [property: Id(1)] DateTimeOffset At);

/// <summary>Where a delivery is: waiting in its queue, being retried at its head, taken by the destination, or given up on.</summary>
public enum DeliveryState
{
    Pending,
    Retrying,
    Delivered,
    DeadLettered,
}

/// <summary>
/// A delivery as people may see it (never its body, which may hold personal data): its id, customer and CloudEvents
/// type, when it was queued and finished (null while waiting), where it is, and its attempts so far.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.DeliveryRecord")]
public sealed record DeliveryRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset QueuedAt,
    [property: Id(4)] DateTimeOffset? FinishedAt,
    [property: Id(5)] DeliveryState State,
    [property: Id(6)] int Attempts);
