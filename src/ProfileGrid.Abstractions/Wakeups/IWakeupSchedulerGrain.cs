namespace ProfileGrid.Wakeups;

/// <summary>
/// Wakes the customers whose wake-ups are due (one grain, key <see cref="Key"/>): every tick it reads the buckets of the
/// minutes from its cursor to now, wakes the customers due, removes them, and moves its durable cursor past each
/// minute that is over and empty, so that it catches up after a pause, a bounded number of customers per tick.
/// </summary>
[Alias("pg.IWakeupSchedulerGrain")]
public interface IWakeupSchedulerGrain : IGrainWithStringKey
{
    public const string Key = "wakeups";

    /// <summary>Starts the ticks if they are not running: every silo calls it periodically, so that the scheduler runs again elsewhere when its silo goes away.</summary>
    [Alias("Tick")]
    Task Tick();

    /// <summary>
    /// Takes the customer out of every bucket of its shard that the scheduler has yet to finish, from its cursor
    /// through <paramref name="through"/> (erasure): registrations whose instant passed wait there until the scheduler
    /// takes them, and the customer's state names only the latest of them. Runs beside the ticks.
    /// </summary>
    [Alias("Forget"), Orleans.Concurrency.AlwaysInterleave]
    Task Forget(string customerId, DateTimeOffset through);

    /// <summary>Where the scheduler stands: the first minute not yet finished, and customers woken and failed since the start (answered during a tick too).</summary>
    [Alias("Status"), Orleans.Concurrency.ReadOnly, Orleans.Concurrency.AlwaysInterleave]
    Task<WakeupStatus> Status();
}

/// <param name="Cursor">The start of the first minute whose buckets are not finished yet.</param>
/// <param name="Woken">Customers woken since the schedule started.</param>
/// <param name="Failed">Wake-ups that failed and were put back a minute later.</param>
[GenerateSerializer, Immutable, Alias("pg.WakeupStatus")]
public sealed record WakeupStatus([property: Id(0)] DateTimeOffset Cursor, [property: Id(1)] long Woken, [property: Id(2)] long Failed);
