using Orleans;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>Options of one named Azure Table journal storage.</summary>
public sealed class AzureTableJournalStorageOptions : AzureTableConnectionOptions
{
    public const string DefaultTableName = "ProfileGridJournals";
    public const int DefaultPartitionCount = 64;
    public const int MaxPartitionCount = 4096;
    public const int DefaultMaxConcurrentRequests = 16;

    /// <inheritdoc />
    public override string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// How many partitions a service's journals are spread over: a key's partition is a hash of the key modulo this
    /// count. More partitions allow more writes per second (Azure serves about 2,000 entities/s per partition);
    /// fewer put more grains in each partition, so more writes share one transaction. Fixed for a deployment: a
    /// different count sends keys to other partitions, where their journals read as empty and the stored ones are
    /// orphaned. Changing it needs a new table (or ServiceId) and a copy.
    /// </summary>
    public int PartitionCount { get; set; } = DefaultPartitionCount;

    /// <summary>
    /// How many requests (transactions or single-row writes) the storage keeps in flight at once, over all its
    /// partitions. A partition waiting for a slot keeps gathering writes, so under load the requests fill up instead
    /// of multiplying: fewer, fuller transactions, which is what the table bills and what it spends its time on.
    /// An idle storage sends a lone write at once.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = DefaultMaxConcurrentRequests;

    /// <summary>Silo lifecycle stage at which the table is created.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;
}
