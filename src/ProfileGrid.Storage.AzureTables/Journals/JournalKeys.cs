using System.Globalization;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Maps a journal key to its row. The partition is the service plus a bucket, a stable hash of the key modulo the
/// partition count: a service's load spreads over that many partitions, and each partition holds many journals, so
/// their writes can share one entity-group transaction.
/// </summary>
internal sealed class JournalKeys
{
    private const int BucketDigits = 4;
    private readonly string _servicePrefix;
    private readonly int _partitionCount;

    public JournalKeys(string serviceId, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitionCount, AzureTableJournalStorageOptions.MaxPartitionCount);
        _servicePrefix = TableKey.SanitizePrefix(serviceId, BucketDigits) + TableKey.Separator;
        _partitionCount = partitionCount;
    }

    public int Bucket(string key) => JournalPartitions.Of(key, _partitionCount);

    public string PartitionKey(int bucket) => string.Create(CultureInfo.InvariantCulture, $"{_servicePrefix}{bucket:D4}");

    /// <summary>The partition keys of this service, whatever the bucket: from (inclusive) to (exclusive); buckets are digits.</summary>
    public (string From, string To) ServicePartitions => (_servicePrefix, _servicePrefix + ":");

    public JournalRow For(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new JournalRow(PartitionKey(Bucket(key)), TableKey.SanitizePrefix(key, suffixChars: 0));
    }
}
