using Azure.Data.Tables;
using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

/// <summary>
/// Gives each test Orleans' grain storage, as ProfileGrid configures it, on a table of its own. Its ETag failures are
/// <see cref="TableStorageUpdateConditionNotSatisfiedException"/>, an <see cref="InconsistentStateException"/> (the
/// hand-written provider threw the base type), hence <c>ThrowsAnyAsync</c>.
/// </summary>
public abstract class StorageTestBase(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly OrleansProviderHosts _hosts = new(azurite.ConnectionString);
    private StorageHarness? _harness;

    internal StorageHarness Harness => _harness ?? throw new InvalidOperationException("The storage is not started.");

    internal IGrainStorage Storage => Harness.Storage;

    public async Task InitializeAsync()
    {
        var tableName = TableNames.Fresh("state");
        _harness = new StorageHarness(await _hosts.StartGrainStorageAsync(tableName), new TableClient(azurite.ConnectionString, tableName));
    }

    public async Task DisposeAsync()
    {
        await Harness.Table.DeleteAsync();
        await _hosts.DisposeAsync();
    }
}
