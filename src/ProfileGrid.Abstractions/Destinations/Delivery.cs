namespace ProfileGrid.Destinations;

/// <summary>
/// One CloudEvent owed to a destination, as queued: its id (the CloudEvents <c>id</c> and the <c>webhook-id</c>, the
/// same on every attempt), its body (the structured-mode JSON, fixed when it was queued), and the customer it is about.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.Delivery")]
public sealed record Delivery(
    [property: Id(0)] string Id,
    [property: Id(1)] string CustomerId,
    [property: Id(2)] string Type,
    [property: Id(3)] string Body,
    [property: Id(4)] DateTimeOffset QueuedAt);

/// <summary>A delivery that was given up on: when, after how many attempts, and the last error.</summary>
[GenerateSerializer, Immutable, Alias("pg.DeadLetter")]
public sealed record DeadLetter(
    [property: Id(0)] Delivery Delivery,
    [property: Id(1)] DateTimeOffset DeadAt,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string Error);
