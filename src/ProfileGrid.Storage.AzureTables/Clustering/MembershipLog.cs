using Microsoft.Extensions.Logging;
using Orleans;

namespace ProfileGrid.Storage.AzureTables.Clustering;

internal static partial class MembershipLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Membership table {TableName} ready for cluster {ClusterId}")]
    public static partial void Initialized(ILogger logger, string tableName, string clusterId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped unreadable membership row {PartitionKey}/{RowKey} in table {TableName}")]
    public static partial void UnreadableRow(ILogger logger, Exception exception, string tableName, string partitionKey, string rowKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {Operation} of {Entry} lost a race at {TableVersion}: HTTP {Status}")]
    public static partial void Contention(ILogger logger, string operation, MembershipEntry entry, TableVersion tableVersion, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} defunct silo rows of cluster {ClusterId} last alive before {BeforeDate}")]
    public static partial void DefunctDeleted(ILogger logger, int count, string clusterId, DateTimeOffset beforeDate);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} membership rows of cluster {ClusterId}")]
    public static partial void ClusterDeleted(ILogger logger, int count, string clusterId);
}
