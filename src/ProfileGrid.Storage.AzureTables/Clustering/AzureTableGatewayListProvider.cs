using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Clustering;

/// <summary>Lets clients find the gateways of active silos in the membership table.</summary>
public sealed class AzureTableGatewayListProvider(
    IOptions<ClusterOptions> clusterOptions,
    IOptions<AzureTableClusteringOptions> options,
    IOptions<GatewayOptions> gatewayOptions,
    ILogger<AzureTableGatewayListProvider> logger) : IGatewayListProvider
{
    private readonly string _partitionKey = TableKey.Sanitize(clusterOptions.Value.ClusterId);
    private TableClient? _table;

    public TimeSpan MaxStaleness => gatewayOptions.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider()
    {
        _table = TableClientFactory.Create(options.Value);
        return Task.CompletedTask;
    }

    public async Task<IList<Uri>> GetGateways()
    {
        var client = _table ?? throw new InvalidOperationException("The gateway list is used before InitializeGatewayListProvider.");
        try
        {
            var snapshot = await MembershipSnapshot.ReadAsync(client, TableClient.CreateQueryFilter($"PartitionKey eq {_partitionKey}"), logger);
            return [.. snapshot.Members
                .Select(member => member.Item1)
                .Where(entry => entry.Status == SiloStatus.Active && entry.ProxyPort > 0)
                .Select(entry => SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri())];
        }
        catch (RequestFailedException exception) when (exception.Status == TableErrors.NotFound)
        {
            // No silo has created the table yet, so there is no gateway either.
            return [];
        }
    }
}
