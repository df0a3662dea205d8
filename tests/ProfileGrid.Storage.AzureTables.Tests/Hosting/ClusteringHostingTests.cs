using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using ProfileGrid.Storage.AzureTables.Clustering;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

[Collection(AzuriteCollection.Name)]
public sealed class ClusteringHostingTests(AzuriteFixture azurite)
{
    private const string ConnectionStringKey = "Azurite:ConnectionString";
    private const string TableNameKey = "Azurite:MembershipTable";

    [Fact]
    public async Task Silos_join_through_the_membership_table_and_the_client_finds_their_gateways()
    {
        var membershipTable = TableNames.Fresh("hostmembers");
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties[ConnectionStringKey] = azurite.ConnectionString;
        builder.Properties[TableNameKey] = membershipTable;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            Assert.Equal(1, await cluster.Client.GetGrain<IPingGrain>(0).Ping());

            var rows = new List<TableEntity>();
            await foreach (var row in new TableClient(azurite.ConnectionString, membershipTable).QueryAsync<TableEntity>())
            {
                rows.Add(row);
            }

            var silos = rows.Where(row => row.RowKey != "VersionRow").ToList();
            Assert.Equal(2, silos.Count);
            Assert.All(silos, row => Assert.Equal("Active", row.GetString("Status")));
            Assert.All(silos, row => Assert.True(row.GetInt32("ProxyPort") > 0));
            Assert.All(rows, row => Assert.Equal(cluster.Options.ClusterId, row.PartitionKey));
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
            siloBuilder.UseAzureTableClustering(options => Apply(siloBuilder.Configuration, options));
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseAzureTableClustering(options => Apply(configuration, options));
    }

    private static void Apply(IConfiguration configuration, AzureTableClusteringOptions options)
    {
        options.ConfigureTableServiceClient(configuration[ConnectionStringKey]!);
        options.TableName = configuration[TableNameKey]!;
    }
}
