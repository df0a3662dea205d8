namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

public sealed class MemoryJournalStorageContractTests : JournalStorageContract
{
    protected override IJournalStorage Storage { get; } = new MemoryJournalStorage();
}
