using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Clustering;

[Collection(AzuriteCollection.Name)]
public sealed class GatewayListProviderTests(AzuriteFixture azurite) : ClusteringTestBase(azurite)
{
    [Fact]
    public async Task Gateways_are_the_active_silos_with_a_proxy_port()
    {
        var table = await Hosts.StartMembershipTableAsync(TableName, "shop");
        var gateway = Membership.NewEntry(SiloStatus.Active, proxyPort: 30001);
        var entries = new[]
        {
            gateway,
            Membership.NewEntry(SiloStatus.Active, proxyPort: 0),
            Membership.NewEntry(SiloStatus.Dead, proxyPort: 30002),
            Membership.NewEntry(SiloStatus.Joining, proxyPort: 30003),
        };
        foreach (var entry in entries)
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        var other = await Hosts.StartMembershipTableAsync(TableName, "other-shop");
        Assert.True(await other.InsertRowAsync(Membership.NewEntry(SiloStatus.Active, proxyPort: 30004), (await other.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var provider = await Hosts.StartGatewayListAsync(TableName, "shop", TimeSpan.FromSeconds(17));

        var gateways = await provider.GetGatewaysAsync(CancellationToken.None);

        var expected = SiloAddress.New(gateway.SiloAddress.Endpoint.Address, 30001, gateway.SiloAddress.Generation).ToGatewayUri();
        Assert.Equal(expected, Assert.Single(gateways));
        Assert.Equal(TimeSpan.FromSeconds(17), provider.MaxStaleness);
    }

    [Fact]
    public async Task A_table_no_silo_has_created_yet_has_no_gateways()
    {
        var provider = await Hosts.StartGatewayListAsync(TableName, "shop", TimeSpan.FromSeconds(30));

        Assert.Empty(await provider.GetGatewaysAsync(CancellationToken.None));
    }
}
