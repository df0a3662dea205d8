namespace ProfileGrid.Wakeups;

/// <summary>
/// One minute of the wake-up schedule for the customers whose id hashes to one shard (key <see cref="WakeupBuckets.Key"/>):
/// who is due to be woken within that minute, and at what instant. Customers register here; the scheduler takes those due
/// and removes them once woken. Stored as a journal whose row is removed when nothing is left in it.
/// </summary>
[Alias("pg.IWakeupBucketGrain")]
public interface IWakeupBucketGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores that the customer is due at <paramref name="due"/> (within this minute; a customer is kept once, at its
    /// earliest due). A minute that ends within <see cref="WakeupBuckets.Grace"/>, or is full, passes the customer on to
    /// a later minute's bucket. Returns the instant the customer is registered at: <paramref name="due"/>, or the start of
    /// the later minute; its minute names the bucket to unregister from.
    /// </summary>
    [Alias("Register")]
    Task<DateTimeOffset> Register(string customerId, DateTimeOffset due);

    /// <summary>Forgets the customer (erasure): the row is rewritten, or removed when empty, so that no entry keeps the id.</summary>
    [Alias("Unregister")]
    Task Unregister(string customerId);

    /// <summary>The customers due at or before <paramref name="now"/>, earliest first, at most <paramref name="limit"/>; and how many the bucket holds.</summary>
    [Alias("Due"), Orleans.Concurrency.ReadOnly]
    Task<WakeupBatch> Due(DateTimeOffset now, int limit);

    /// <summary>Forgets the customers the scheduler woke (unless registered again since) and returns how many are left.</summary>
    [Alias("Done")]
    Task<int> Done([Immutable] WakeupEntry[] woken);
}

/// <summary>A customer due to be woken, and when.</summary>
[GenerateSerializer, Immutable, Alias("pg.WakeupEntry")]
public readonly record struct WakeupEntry([property: Id(0)] string CustomerId, [property: Id(1)] DateTimeOffset Due);

/// <summary>The customers of a bucket due now, and how many it holds in all.</summary>
[GenerateSerializer, Immutable, Alias("pg.WakeupBatch")]
public sealed record WakeupBatch([property: Id(0)] WakeupEntry[] Due, [property: Id(1)] int Held);
