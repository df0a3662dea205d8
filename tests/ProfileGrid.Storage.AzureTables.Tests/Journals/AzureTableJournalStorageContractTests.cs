using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>The contract on Azurite, with every journal in one partition so that keys sharing prefixes share it too.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableJournalStorageContractTests(AzuriteFixture azurite) : JournalStorageContract, IAsyncLifetime
{
    private JournalHarness? _harness;

    protected override IJournalStorage Storage => (_harness ?? throw new InvalidOperationException("Not started.")).Storage;

    public async Task InitializeAsync() =>
        _harness = await JournalHarness.StartAsync(azurite.ConnectionString, TableNames.Fresh("journal"), options => options.PartitionCount = 1);

    public Task DisposeAsync() => _harness?.Table.DeleteAsync() ?? Task.CompletedTask;
}
