namespace ProfileGrid.Destinations;

/// <summary>
/// Reads one partition of the customers' deliveries outbox (key: the partition): takes what stored writes owe the
/// destinations to their queues, oldest first, and only then deletes the rows. Polls while active; every silo's
/// ticker activates it again after its silo went away, and a customer's write nudges it for latency.
/// </summary>
[Alias("pg.IDeliveryOutboxGrain")]
public interface IDeliveryOutboxGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the polls if they are not running.</summary>
    [Alias("Poke")]
    Task Poke();

    /// <summary>Has the partition read after this call (at once, or after the read under way): answers before the read.</summary>
    [Alias("Nudge"), Orleans.Concurrency.AlwaysInterleave]
    Task Nudge();

    /// <summary>
    /// Returns once every row the partition held when it was called is queued (an erasure then drops from the queues
    /// what its customer's writes owed); throws if that read failed, the rows staying for the next.
    /// </summary>
    [Alias("CatchUp")]
    Task CatchUp();
}
