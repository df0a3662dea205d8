using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Clustering;

/// <summary>Gives each test a membership table of its own and the hosts Orleans' clustering providers come from.</summary>
public abstract class ClusteringTestBase(AzuriteFixture azurite) : IAsyncLifetime
{
    internal OrleansProviderHosts Hosts { get; } = new(azurite.ConnectionString);

    protected string TableName { get; } = TableNames.Fresh("members");

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Hosts.DisposeAsync();
}
