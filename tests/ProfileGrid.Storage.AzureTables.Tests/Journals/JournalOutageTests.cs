using Azure;
using Azure.Data.Tables;
using ProfileGrid.Storage;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;
using ProfileGrid.Testing;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>A write during a storage outage fails with the table's error and leaves no trace once the storage is back.</summary>
public sealed class JournalOutageTests : IAsyncLifetime
{
    private readonly AzuriteProcess _azurite = AzuriteProcess.OnDisk();

    [Fact]
    public async Task A_write_while_the_table_is_down_fails_and_nothing_of_it_is_visible_after()
    {
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 1;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(50);
        var harness = await JournalHarness.StartAsync(_azurite.ConnectionString, TableNames.Fresh("outage"), options =>
        {
            options.PartitionCount = 1;
            options.ClientOptions = clientOptions;
        });
        var storage = harness.Storage;
        var version = await storage.WriteAsync("ann", JournalVersion.None, JournalWrite.Snapshot("snapshot"u8.ToArray()));
        version = await storage.WriteAsync("ann", version, JournalWrite.Append("one"u8.ToArray()));
        version = await storage.WriteAsync("ann", version, JournalWrite.Append("two"u8.ToArray()));

        await _azurite.StopAsync();
        var append = storage.WriteAsync("ann", version, JournalWrite.Append("three"u8.ToArray()));
        var snapshot = storage.WriteAsync("bob", JournalVersion.None, JournalWrite.Snapshot("bob"u8.ToArray()));
        var replace = storage.WriteAsync("ann", version, JournalWrite.Snapshot("replaced"u8.ToArray()));

        // An outage, not a conflict, carrying the table client's own error after its retries.
        foreach (var write in new[] { append, snapshot, replace })
        {
            var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => write);
            var inner = Assert.IsType<AggregateException>(error.InnerException);
            Assert.All(inner.InnerExceptions, failed => Assert.Equal(0, Assert.IsType<RequestFailedException>(failed).Status));
        }

        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync("ann"));
        await _azurite.StartAsync();

        var read = await storage.ReadAsync("ann");
        Assert.Equal(version, read.Version);
        Assert.Equal("snapshot", System.Text.Encoding.UTF8.GetString(read.Snapshot!));
        Assert.Equal(["one", "two"], read.Entries.Select(entry => System.Text.Encoding.UTF8.GetString(entry)));
        Assert.False((await storage.ReadAsync("bob")).Version.Exists);
        Assert.Equal(["ann"], (await harness.RowsAsync()).Select(row => row.RowKey));

        // The journal did not move: the version read before the outage still extends it.
        Assert.Equal(3, (await storage.WriteAsync("ann", version, JournalWrite.Append("three"u8.ToArray()))).Entries);
    }

    public Task InitializeAsync() => _azurite.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();
}
