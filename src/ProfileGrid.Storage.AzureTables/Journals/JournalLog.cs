using Microsoft.Extensions.Logging;

namespace ProfileGrid.Storage.AzureTables.Journals;

internal static partial class JournalLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Journal storage {Provider} uses table {TableName} over {PartitionCount} partitions")]
    public static partial void Initialized(ILogger logger, string provider, string tableName, int partitionCount);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Journal write to {PartitionKey}/{RowKey} was stale: HTTP {Status} {ErrorCode}")]
    public static partial void Stale(ILogger logger, string partitionKey, string rowKey, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal write to {PartitionKey}/{RowKey} was refused: HTTP {Status}")]
    public static partial void WriteRefused(ILogger logger, Exception exception, string partitionKey, string rowKey, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal request on partition {PartitionKey} failed; its {Writes} writes fail")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string partitionKey, int writes);
}
