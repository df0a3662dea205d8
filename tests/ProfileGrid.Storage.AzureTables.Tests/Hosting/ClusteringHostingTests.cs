using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using ProfileGrid.Hosting;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

/// <summary>Membership as ProfileGrid registers it (<see cref="OrleansTableProviders.UseProfileGridClustering(ISiloBuilder, TableServiceClient)"/>): Orleans' table.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ClusteringHostingTests(AzuriteFixture azurite)
{
    private const string ConnectionStringKey = "Azurite:ConnectionString";

    [Fact]
    public async Task Silos_join_through_orleans_membership_table_and_the_client_finds_their_gateways()
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ClusterId = $"hosting-{Guid.NewGuid():N}";
        builder.Properties[ConnectionStringKey] = azurite.ConnectionString;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            Assert.Equal(1, await cluster.Client.GetGrain<IPingGrain>(0).Ping());

            var rows = new List<TableEntity>();
            var table = new TableClient(azurite.ConnectionString, "OrleansSiloInstances");
            await foreach (var row in table.QueryAsync<TableEntity>(row => row.PartitionKey == cluster.Options.ClusterId))
            {
                rows.Add(row);
            }

            // Besides a row per silo, Orleans keeps a version row and two marker rows (!Start, ~End) without a status.
            var silos = rows.Where(row => row.GetString("Status") is not null).ToList();
            Assert.Equal(2, silos.Count);
            Assert.All(silos, row => Assert.Equal("Active", row.GetString("Status")));
            Assert.All(silos, row => Assert.True(int.Parse(row.GetString("ProxyPort"), System.Globalization.CultureInfo.InvariantCulture) > 0));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.UseProfileGridClustering(new TableServiceClient(siloBuilder.Configuration[ConnectionStringKey]));
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseProfileGridClustering(new TableServiceClient(configuration[ConnectionStringKey]));
    }
}
