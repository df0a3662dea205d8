using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ProfileGrid.Storage.AzureTables.Storage;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Hosting;

/// <summary>Ready when the state table's service answers (a missing table still counts: silos create it).</summary>
public sealed class StorageHealthCheck(IOptions<ProfileGridStorageOptions> storage) : IHealthCheck
{
    private readonly TableClient? _table = CreateClient(storage.Value);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_table is null) return HealthCheckResult.Healthy("Memory storage: nothing is durable.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var _ in _table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: timeout.Token).AsPages())
            {
                break;
            }

            return HealthCheckResult.Healthy();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return HealthCheckResult.Healthy("The state table does not exist yet.");
        }
        catch (Exception exception) when (exception is RequestFailedException or OperationCanceledException or AggregateException)
        {
            return HealthCheckResult.Unhealthy("Table storage does not answer.", exception);
        }
    }

    private static TableClient? CreateClient(ProfileGridStorageOptions storage)
    {
        if (!storage.IsDurable) return null;
        var options = new AzureTableGrainStorageOptions { ClientOptions = new TableClientOptions { Retry = { MaxRetries = 0 } } };
        storage.ApplyTo(options);
        return TableClientFactory.Create(options);
    }
}
