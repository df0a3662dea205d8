using ProfileGrid.Storage.AzureTables.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

/// <summary>Gives each test a started grain storage on a table of its own.</summary>
public abstract class StorageTestBase(AzuriteFixture azurite) : IAsyncLifetime
{
    private StorageHarness? _harness;

    internal StorageHarness Harness => _harness ?? throw new InvalidOperationException("The storage is not started.");

    internal AzureTableGrainStorage Storage => Harness.Storage;

    protected string ConnectionString => azurite.ConnectionString;

    protected virtual void Configure(AzureTableGrainStorageOptions options)
    {
    }

    public async Task InitializeAsync() =>
        _harness = await StorageHarness.StartAsync(azurite.ConnectionString, TableNames.Fresh("state"), Configure);

    public Task DisposeAsync() => Harness.Table.DeleteAsync();
}
