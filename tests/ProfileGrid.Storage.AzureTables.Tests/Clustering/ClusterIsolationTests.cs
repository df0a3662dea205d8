using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Clustering;

[Collection(AzuriteCollection.Name)]
public sealed class ClusterIsolationTests(AzuriteFixture azurite) : ClusteringTestBase(azurite)
{
    [Fact]
    public async Task Two_clusters_in_one_table_do_not_see_each_other()
    {
        var blue = await Hosts.StartMembershipTableAsync(TableName, "blue");
        var green = await Hosts.StartMembershipTableAsync(TableName, "green");
        var blueSilo = Membership.NewEntry(SiloStatus.Active);
        var greenSilo = Membership.NewEntry(SiloStatus.Active);

        Assert.True(await blue.InsertRowAsync(blueSilo, (await blue.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        Assert.Empty((await green.ReadAllAsync(CancellationToken.None)).Members);
        Assert.Equal(0, (await green.ReadAllAsync(CancellationToken.None)).Version.Version);
        Assert.True(await green.InsertRowAsync(greenSilo, (await green.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var blueData = await blue.ReadAllAsync(CancellationToken.None);
        var greenData = await green.ReadAllAsync(CancellationToken.None);
        Assert.Equal(blueSilo.SiloAddress, Assert.Single(blueData.Members).Item1.SiloAddress);
        Assert.Equal(greenSilo.SiloAddress, Assert.Single(greenData.Members).Item1.SiloAddress);
        Assert.Equal(1, blueData.Version.Version);
        Assert.Equal(1, greenData.Version.Version);
        Assert.Empty((await green.ReadRowAsync(blueSilo.SiloAddress, CancellationToken.None)).Members);
    }

    [Fact]
    public async Task Deleting_a_clusters_entries_leaves_other_clusters_alone()
    {
        var blue = await Hosts.StartMembershipTableAsync(TableName, "blue");
        var green = await Hosts.StartMembershipTableAsync(TableName, "green");
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await blue.InsertRowAsync(Membership.NewEntry(), (await blue.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        }

        Assert.True(await green.InsertRowAsync(Membership.NewEntry(), (await green.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        await green.DeleteMembershipTableEntriesAsync("blue", CancellationToken.None);

        // Differs from the hand-written table, which read a deleted cluster as empty at version 0: Orleans deletes the
        // version row too, so the cluster reads again only once a silo initializes the table, as every silo does at
        // start. ProfileGrid never deletes a cluster's entries (Orleans' test and tooling call it).
        await Assert.ThrowsAsync<KeyNotFoundException>(() => blue.ReadAllAsync(CancellationToken.None));
        await blue.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        var blueData = await blue.ReadAllAsync(CancellationToken.None);
        Assert.Empty(blueData.Members);
        Assert.Equal(0, blueData.Version.Version);
        var greenData = await green.ReadAllAsync(CancellationToken.None);
        Assert.Single(greenData.Members);
        Assert.Equal(1, greenData.Version.Version);
    }
}
