using ProfileGrid.Customers;

namespace ProfileGrid.Replay;

/// <summary>The side of a customer grain that a replay calls (same grain as <see cref="ICustomerGrain"/>, same key).</summary>
[Alias("pg.ICustomerRestore")]
public interface ICustomerRestore : IGrainWithStringKey
{
    /// <summary>
    /// Replaces the customer's state with <paramref name="rebuilt"/> (its archived writes replayed) and stores it as a
    /// snapshot, then links the identifiers it holds, announces its segments again and registers its next wake-up, so
    /// that an empty cluster's identifier index, member sets and wake-up schedule learn of it. Refused, changing
    /// nothing, when the customer is erased or its stored state is further on than <paramref name="rebuilt"/> (the
    /// archive has not caught up with it).
    /// </summary>
    [Alias("Restore")]
    Task<RestoreResult> Restore(CustomerState rebuilt);
}

/// <summary>What a restore did, and the customer's seq after it.</summary>
[GenerateSerializer, Immutable, Alias("pg.RestoreResult")]
public sealed record RestoreResult([property: Id(0)] RestoreOutcome Outcome, [property: Id(1)] long Seq);

public enum RestoreOutcome { Restored, Erased, ArchiveBehind }
