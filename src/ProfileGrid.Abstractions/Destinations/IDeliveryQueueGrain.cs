namespace ProfileGrid.Destinations;

/// <summary>
/// The deliveries owed to one destination for one partition of its customers (key <see cref="KeyOf"/>): stored before
/// an enqueue is answered, sent one at a time in the order queued (so in order per customer), removed once the
/// destination took them or they were dead-lettered.
/// </summary>
[Alias("pg.IDeliveryQueueGrain")]
public interface IDeliveryQueueGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues deliveries after those queued before; answers once they are stored. One whose id is waiting in this queue
    /// already is skipped (a caller may queue the same deliveries again after a crash). Past the queue's bound they are
    /// dead-lettered instead.
    /// </summary>
    [Alias("Enqueue")]
    Task Enqueue(Delivery[] deliveries);

    /// <summary>
    /// Queues as many of <paramref name="deliveries"/>, from the first, as fit within the queue's bounds and answers how
    /// many, once they are stored (a redelivery from the dead letters, which keep the rest: no call back to them). One
    /// waiting in this queue already is not queued twice, and counts as fitted.
    /// </summary>
    [Alias("Requeue")]
    Task<int> Requeue(Delivery[] deliveries);

    /// <summary>Makes sure the queue is being sent (after its silo went away, this activates it on another).</summary>
    [Alias("Poke")]
    Task Poke();

    /// <summary>How many deliveries are waiting.</summary>
    [Alias("Depth"), Orleans.Concurrency.ReadOnly]
    Task<int> Depth();

    /// <summary>
    /// Drops every waiting delivery about <paramref name="customers"/> (they were erased), but the one on its way to the
    /// destination now, and answers once the queue is stored without them.
    /// </summary>
    [Alias("Forget")]
    Task Forget(string[] customers);

    /// <summary>What this queue did since it was activated (in memory: counted afresh after it moves), and its depth.</summary>
    [Alias("Status"), Orleans.Concurrency.ReadOnly]
    Task<QueueStatus> Status();

    /// <summary>
    /// A customer's deliveries in this queue, newest first, at most <paramref name="limit"/>: those waiting, then those
    /// finished among the last <c>256</c> this queue finished since it was activated. Never their bodies.
    /// </summary>
    [Alias("Told"), Orleans.Concurrency.ReadOnly]
    Task<DeliveryRecord[]> Told(string customerId, int limit);

    public static string KeyOf(string destination, int partition) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{destination}/{partition}");
}

/// <summary>The deliveries a destination gave up on (key: the destination's name), bounded, oldest dropped first.</summary>
[Alias("pg.IDeadLetterGrain")]
public interface IDeadLetterGrain : IGrainWithStringKey
{
    [Alias("Add")]
    Task Add(DeadLetter[] letters);

    /// <summary>The oldest first, at most <paramref name="limit"/>, and how many there are in all.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<DeadLetterPage> List(int limit);

    /// <summary>
    /// Queues up to <paramref name="limit"/> of the oldest letters again (same ids) and removes them; returns how many.
    /// Letters whose queue is full stay (redelivered by a later call).
    /// </summary>
    [Alias("Redeliver")]
    Task<int> Redeliver(int limit);

    /// <summary>Forgets every letter (the destination was removed).</summary>
    [Alias("Clear")]
    Task Clear();

    /// <summary>Drops the letters about <paramref name="customers"/> (they were erased); answers once stored without them.</summary>
    [Alias("Forget")]
    Task Forget(string[] customers);
}

[GenerateSerializer, Immutable, Alias("pg.DeadLetterPage")]
public sealed record DeadLetterPage([property: Id(0)] DeadLetter[] Letters, [property: Id(1)] int Total, [property: Id(2)] long Dropped);
