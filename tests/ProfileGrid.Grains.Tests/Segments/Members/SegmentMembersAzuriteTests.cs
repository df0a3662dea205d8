using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ProfileGrid.Storage;
using ProfileGrid.Storage.AzureTables.Journals;
using ProfileGrid.Testing;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>A shard's member index on the Azure Table journal storage, against a real Azurite (the contract).</summary>
public sealed class SegmentMembersAzuriteTests(SegmentMembersAzuriteTests.AzureStorage azure) : MemberIndexContract, IClassFixture<SegmentMembersAzuriteTests.AzureStorage>
{
    protected override IJournalStorage Storage => azure.Storage;

    /// <summary>
    /// The first two writes and the last two (the commit, the blanks or the call's entry): a request to Azurite takes
    /// milliseconds, and the memory storage's run fails every write in turn.
    /// </summary>
    protected override IEnumerable<int> FailingWrites(int writes) => new[] { 1, 2, writes - 1, writes }.Distinct();

    /// <summary>An in-memory Azurite on a free port, and journal storage on a table of its own there.</summary>
    public sealed class AzureStorage : IAsyncLifetime
    {
        private AzuriteProcess? _azurite;

        public IJournalStorage Storage { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _azurite = await AzuriteProcess.StartInMemoryAsync();
            var options = new AzureTableJournalStorageOptions { ConnectionString = _azurite.ConnectionString, TableName = $"MemberIndex{Guid.NewGuid():N}" };
            var storage = new AzureTableJournalStorage(
                "segment-members", options, Options.Create(new ClusterOptions { ServiceId = "members", ClusterId = "tests" }), NullLogger<AzureTableJournalStorage>.Instance);
            await storage.InitializeAsync(CancellationToken.None);
            Storage = storage;
        }

        public async Task DisposeAsync()
        {
            if (_azurite is not null) await _azurite.DisposeAsync();
        }
    }
}
