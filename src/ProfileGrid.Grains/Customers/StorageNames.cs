namespace ProfileGrid.Customers;

/// <summary>The journal storages (<see cref="ProfileGrid.Storage.IJournalStorage"/>) the grains use; hosts register them under these names.</summary>
public static class StorageNames
{
    public const string Customers = "customers";

    /// <summary>Segment member sets, a journal per shard (<see cref="ProfileGrid.Segments.SegmentMembersGrain"/>).</summary>
    public const string SegmentMembers = "segment-members";

    /// <summary>The wake-up schedule: a journal per minute and shard (<see cref="ProfileGrid.Wakeups.WakeupBucketGrain"/>) and the scheduler's cursor.</summary>
    public const string Wakeups = "wakeups";
}
