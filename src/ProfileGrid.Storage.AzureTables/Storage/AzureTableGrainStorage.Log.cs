using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace ProfileGrid.Storage.AzureTables.Storage;

public sealed partial class AzureTableGrainStorage
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage {Provider} uses table {TableName}")]
    private partial void LogInitialized(string provider, string tableName);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Grain storage {Provider} read {StateName} of {GrainId}: exists {RecordExists}, ETag {ETag}")]
    private partial void LogRead(string provider, string stateName, GrainId grainId, bool recordExists, string? eTag);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Grain storage {Provider} wrote {StateName} of {GrainId}: ETag {ETag}")]
    private partial void LogWritten(string provider, string stateName, GrainId grainId, string eTag);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Grain storage {Provider} cleared {StateName} of {GrainId} (delete {Delete}): ETag {ETag}")]
    private partial void LogCleared(string provider, string stateName, GrainId grainId, bool delete, string? eTag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage {Provider} rejected a stale write of {StateName} of {GrainId} with ETag {ETag}: {Reason}")]
    private partial void LogConflict(string provider, string stateName, GrainId grainId, string? eTag, string? reason);
}
