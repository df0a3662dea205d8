using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Hosting;

/// <summary>Ready when the account's table service answers a listing of its tables (silos create the tables they use).</summary>
public sealed class StorageHealthCheck(IOptions<ProfileGridStorageOptions> storage) : IHealthCheck
{
    private readonly TableServiceClient? _tables = storage.Value.IsDurable
        ? storage.Value.CreateTableServiceClient(new TableClientOptions { Retry = { MaxRetries = 0 } })
        : null;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_tables is null) return HealthCheckResult.Healthy("Memory storage: nothing is durable.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var _ in _tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages())
            {
                break;
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is RequestFailedException or OperationCanceledException or AggregateException)
        {
            return HealthCheckResult.Unhealthy("Table storage does not answer.", exception);
        }
    }
}
