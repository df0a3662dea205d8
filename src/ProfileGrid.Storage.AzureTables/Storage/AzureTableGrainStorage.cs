using ProfileGrid.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Storage;

/// <summary>
/// Grain storage on one Azure table: a row per grain and state name, guarded by the row's ETag.
/// </summary>
public sealed partial class AzureTableGrainStorage(
    string name,
    AzureTableGrainStorageOptions options,
    IOptions<ClusterOptions> clusterOptions,
    IActivatorProvider activatorProvider,
    ILogger<AzureTableGrainStorage> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private TableClient? _table;

    private TableClient Table =>
        _table ?? throw new InvalidOperationException($"Grain storage '{name}' was used before the silo initialized it.");

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(AzureTableGrainStorage)}-{name}", options.InitStage, InitializeAsync);

    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var client = TableClientFactory.Create(options);
        await client.CreateIfNotExistsAsync(cancellationToken);
        _table = client;
        LogInitialized(name, options.TableName);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
        var payload = response.HasValue ? StatePayload.Read(response.Value!) : null;
        grainState.State = payload is null ? NewState<T>() : Deserialize<T>(payload, partitionKey, rowKey);
        grainState.RecordExists = payload is not null;
        grainState.ETag = response.HasValue ? response.Value!.ETag.ToString() : null;
        LogRead(name, stateName, grainId, grainState.RecordExists, grainState.ETag);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        var entity = new TableEntity(partitionKey, rowKey);
        StatePayload.Write(entity, Serializer.Serialize(grainState.State).ToMemory());
        grainState.ETag = await SaveAsync(entity, stateName, grainId, grainState.ETag);
        grainState.RecordExists = true;
        LogWritten(name, stateName, grainId, grainState.ETag);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (partitionKey, rowKey) = Keys(stateName, grainId);
        if (string.IsNullOrEmpty(grainState.ETag))
        {
            // Nothing was written through this state yet; a row that exists anyway belongs to another writer.
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
            if (existing.HasValue)
            {
                throw Conflict(stateName, grainId, null, existing.Value!.ETag.ToString(), null);
            }
        }
        else if (options.DeleteStateOnClear)
        {
            await DeleteAsync(partitionKey, rowKey, stateName, grainId, grainState.ETag);
            grainState.ETag = null;
        }
        else
        {
            grainState.ETag = await SaveAsync(new TableEntity(partitionKey, rowKey), stateName, grainId, grainState.ETag);
        }

        grainState.State = NewState<T>();
        grainState.RecordExists = false;
        LogCleared(name, stateName, grainId, options.DeleteStateOnClear, grainState.ETag);
    }

    private IGrainStorageSerializer Serializer => options.GrainStorageSerializer;

    private (string PartitionKey, string RowKey) Keys(string stateName, GrainId grainId) =>
        (TableKey.Sanitize($"{clusterOptions.Value.ServiceId}_{grainId}"), TableKey.Sanitize(stateName));

    private T NewState<T>() => activatorProvider.GetActivator<T>().Create();

    private T Deserialize<T>(byte[] payload, string partitionKey, string rowKey)
    {
        try
        {
            return Serializer.Deserialize<T>(new BinaryData(payload))
                ?? throw new CorruptStateException($"The row ({partitionKey}, {rowKey}) of table '{options.TableName}' reads as null.");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new CorruptStateException(
                $"The row ({partitionKey}, {rowKey}) of table '{options.TableName}' holds {payload.Length} bytes that do not read as {typeof(T).Name}; repair or erase it.",
                exception);
        }
    }

    private async Task<string> SaveAsync(TableEntity entity, string stateName, GrainId grainId, string? etag)
    {
        try
        {
            var response = string.IsNullOrEmpty(etag)
                ? await Table.AddEntityAsync(entity)
                : await Table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace);
            return response.Headers.ETag?.ToString()
                ?? throw new InvalidOperationException($"Table '{options.TableName}' returned no ETag for a write.");
        }
        catch (RequestFailedException exception) when (exception.IsContention())
        {
            throw Conflict(stateName, grainId, etag, null, exception);
        }
    }

    private async Task DeleteAsync(string partitionKey, string rowKey, string stateName, GrainId grainId, string etag)
    {
        try
        {
            await Table.DeleteEntityAsync(partitionKey, rowKey, new ETag(etag));
        }
        catch (RequestFailedException exception) when (exception.IsContention())
        {
            throw Conflict(stateName, grainId, etag, null, exception);
        }
    }

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag, string? storedEtag, Exception? inner)
    {
        LogConflict(name, stateName, grainId, etag, inner?.Message);
        var message = $"State '{stateName}' of grain {grainId} in table '{options.TableName}' changed since it was read (ETag {etag ?? "none"}).";
        return inner is null
            ? new InconsistentStateException(message, storedEtag ?? "unknown", etag ?? "none")
            : new InconsistentStateException(message, storedEtag ?? "unknown", etag ?? "none", inner);
    }
}
