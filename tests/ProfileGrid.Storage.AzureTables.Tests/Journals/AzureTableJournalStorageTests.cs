using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Journals;
using ProfileGrid.Storage.AzureTables.Tables;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>What the Azure journal storage adds to the contract: its rows, and writes batched per partition.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableJournalStorageTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TransactionGate _gate = new();
    private readonly List<JournalHarness> _harnesses = [];

    [Fact]
    public async Task A_journal_is_one_row_holding_the_snapshot_and_the_entries_in_a_partition_chosen_by_hash()
    {
        var harness = await StartAsync(partitionCount: 8);
        const string key = "customer:ann/1!%";
        var version = await harness.Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));
        version = await harness.Storage.WriteAsync(key, version, JournalWrite.Append(new byte[] { 2 }));
        await harness.Storage.WriteAsync(key, version, JournalWrite.Append(new byte[] { 3 }));

        var rows = await harness.RowsAsync();

        var bucket = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(key)) % 8;
        Assert.All(rows, row => Assert.Equal($"{JournalHarness.ServiceId}!000{bucket}", row.PartitionKey));
        var row = Assert.Single(rows);
        Assert.Equal("customer:ann~2F1~21~25", row.RowKey);
        Assert.Equal(2, row.GetInt32("Entries"));
        Assert.Equal([[1], [2], [3]], new[] { "Data", "E01", "E02" }.Select(row.GetBinary));
    }

    [Fact]
    public async Task A_snapshot_replaces_the_row_and_drops_the_entries()
    {
        var harness = await StartAsync(partitionCount: 1);
        var version = await harness.Storage.WriteAsync("ann", JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));
        version = await harness.Storage.WriteAsync("ann", version, JournalWrite.Append(new byte[] { 2 }));
        version = await harness.Storage.WriteAsync("ann", version, JournalWrite.Append(new byte[] { 3 }));

        await harness.Storage.WriteAsync("ann", version, JournalWrite.Snapshot(new byte[] { 4 }));

        var row = Assert.Single(await harness.RowsAsync());
        Assert.Equal("ann", row.RowKey);
        Assert.Equal(0, row.GetInt32("Entries"));
        Assert.Equal([4], row.GetBinary("Data"));
        Assert.DoesNotContain(row.Keys, name => name.StartsWith('E') && name != "Entries");
    }

    [Fact]
    public async Task Payloads_past_the_journal_bounds_are_refused_before_anything_is_sent()
    {
        var harness = await StartAsync(partitionCount: 1);
        var version = await harness.Storage.WriteAsync("ann", JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));
        version = await harness.Storage.WriteAsync("ann", version, JournalWrite.Append(new byte[JournalVersion.MaxEntryBytes - 10]));
        var requests = harness.Storage.Metrics.Requests;

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Storage.WriteAsync("ann", version, JournalWrite.Append(new byte[11])));
        await Assert.ThrowsAsync<ArgumentException>(
            () => harness.Storage.WriteAsync("ann", version, JournalWrite.Snapshot(new byte[JournalVersion.MaxSnapshotBytes + 1])));

        Assert.Equal(requests, harness.Storage.Metrics.Requests);
        Assert.Equal(version, (await harness.Storage.ReadAsync("ann")).Version);
    }

    [Fact]
    public async Task A_journal_at_its_bounds_fits_in_one_row()
    {
        var harness = await StartAsync(partitionCount: 1);
        var version = await harness.Storage.WriteAsync("ann", JournalVersion.None, JournalWrite.Snapshot(new byte[JournalVersion.MaxSnapshotBytes]));
        var entry = new byte[JournalVersion.MaxEntryBytes / JournalVersion.MaxEntries];
        for (var i = 0; i < JournalVersion.MaxEntries; i++) version = await harness.Storage.WriteAsync("ann", version, JournalWrite.Append(entry));

        var read = await harness.Storage.ReadAsync("ann");

        Assert.Equal((JournalVersion.MaxEntries, JournalVersion.MaxEntryBytes), (read.Version.Entries, read.Version.EntryBytes));
        Assert.Equal(JournalVersion.MaxSnapshotBytes + JournalVersion.MaxEntryBytes, read.StoredBytes);
    }

    [Theory]
    [InlineData(200, 4, AzureTableJournalStorageOptions.DefaultMaxConcurrentRequests)]
    [InlineData(640, AzureTableJournalStorageOptions.DefaultPartitionCount, AzureTableJournalStorageOptions.DefaultPartitionCount)]
    [InlineData(640, AzureTableJournalStorageOptions.DefaultPartitionCount, AzureTableJournalStorageOptions.DefaultMaxConcurrentRequests)]
    [InlineData(640, AzureTableJournalStorageOptions.DefaultPartitionCount, 1)]
    public async Task Concurrent_writes_to_many_journals_share_one_request_per_partition_and_round(int journals, int partitionCount, int maxConcurrentRequests)
    {
        var harness = await StartAsync(partitionCount, maxConcurrentRequests);
        var keys = Enumerable.Range(0, journals).Select(i => $"customer:{i}").ToList();
        var partitions = keys.GroupBy(key => XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(key)) % partitionCount).ToList();
        var perPartition = partitions.Select(group => group.Count()).ToList();
        // The partitions whose first write found a free request slot (in the order the keys are written) send it
        // alone; every other partition waits for a slot with all its writes queued.
        var firstServed = partitions.Take(maxConcurrentRequests).Select(group => group.Key).ToHashSet();
        var expectedRequests = partitions.Sum(group => firstServed.Contains(group.Key) ? 1 + Rounds(group.Count() - 1, 100) : Rounds(group.Count(), 100));

        // Hold the first transaction of every partition until every write is queued behind it.
        var clock = Stopwatch.StartNew();
        _gate.Close();
        var snapshots = keys.Select(key => harness.Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Encoding.UTF8.GetBytes(key)))).ToList();
        _gate.Open();
        var versions = await Task.WhenAll(snapshots);
        var snapshotRequests = harness.Storage.Metrics.Requests;
        // A partition's loop looks for more writes after answering its last ones: an append queued before that joins
        // its next request instead of going alone (1 request fewer, seen once in CI).
        await Until(() => harness.Storage.Idle);

        _gate.Close();
        var appends = keys.Select((key, i) => harness.Storage.WriteAsync(key, versions[i], JournalWrite.Append(Encoding.UTF8.GetBytes($"entry of {key}")))).ToList();
        _gate.Open();
        await Task.WhenAll(appends);
        clock.Stop();
        var appendRequests = harness.Storage.Metrics.Requests - snapshotRequests;
        output.WriteLine($"{journals} snapshots in {snapshotRequests} requests, {journals} appends in {appendRequests} requests; "
            + $"{harness.Storage.Metrics.Operations} operations in {clock.ElapsedMilliseconds} ms over {perPartition.Count} partitions "
            + $"({perPartition.Min()} to {perPartition.Max()} journals each), at most {maxConcurrentRequests} requests in flight");

        // Per partition: the first write alone if it found a slot, then everything queued behind it, 100 writes
        // (operations) at a time.
        Assert.Equal(expectedRequests, snapshotRequests);
        Assert.Equal(expectedRequests, appendRequests);
        Assert.True(snapshotRequests + appendRequests < 2 * journals / 4);
        Assert.Equal(2 * journals, harness.Storage.Metrics.Writes);
        var reads = await Task.WhenAll(keys.Select(key => harness.Storage.ReadAsync(key)));
        Assert.All(keys.Zip(reads), pair => Assert.Equal($"entry of {pair.First}", Encoding.UTF8.GetString(Assert.Single(pair.Second.Entries))));
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_stale_write_fails_alone_and_the_others_in_its_transaction_commit()
    {
        var harness = await StartAsync(partitionCount: 1);
        var storage = harness.Storage;
        string[] keys = ["ann", "bob", "cat", "dan"];
        var versions = new Dictionary<string, JournalVersion>();
        foreach (var key in keys)
        {
            versions[key] = await storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Encoding.UTF8.GetBytes(key)));
        }

        var moved = await storage.WriteAsync("bob", versions["bob"], JournalWrite.Append("moved"u8.ToArray()));
        var requests = storage.Metrics.Requests;
        var operations = storage.Metrics.Operations;

        // One write in flight; the four behind it go in the next request, a transaction, bob's (second) from a stale version.
        _gate.Close();
        var opener = storage.WriteAsync("eve", JournalVersion.None, JournalWrite.Snapshot("eve"u8.ToArray()));
        var writes = keys.ToDictionary(key => key, key => storage.WriteAsync(key, versions[key], JournalWrite.Append("second"u8.ToArray())));
        _gate.Open();

        await opener;
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes["bob"]);
        await Task.WhenAll(writes["ann"], writes["cat"], writes["dan"]);

        // eve alone (1 operation); ann, bob, cat, dan refused at bob's (4); ann, cat, dan again (3).
        Assert.Equal(3, storage.Metrics.Requests - requests);
        Assert.Equal(1 + 4 + 3, storage.Metrics.Operations - operations);
        var bob = await storage.ReadAsync("bob");
        Assert.Equal(moved, bob.Version);
        Assert.Equal(["moved"], bob.Entries.Select(Encoding.UTF8.GetString));
        foreach (var key in new[] { "ann", "cat", "dan" })
        {
            var read = await storage.ReadAsync(key);
            Assert.Equal(await writes[key], read.Version);
            Assert.Equal(["second"], read.Entries.Select(Encoding.UTF8.GetString));
        }
    }

    [Fact]
    public async Task Deletes_share_a_transaction_with_other_writes_and_remove_the_rows()
    {
        var harness = await StartAsync(partitionCount: 1);
        var storage = harness.Storage;
        string[] keys = ["ann", "bob", "cat"];
        var versions = new Dictionary<string, JournalVersion>();
        foreach (var key in keys)
        {
            versions[key] = await storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Encoding.UTF8.GetBytes(key)));
        }

        var requests = storage.Metrics.Requests;
        // One write in flight; the three behind it go together: two deletes and an append.
        _gate.Close();
        var opener = storage.WriteAsync("eve", JournalVersion.None, JournalWrite.Snapshot("eve"u8.ToArray()));
        var deleteAnn = storage.WriteAsync("ann", versions["ann"], JournalWrite.Delete());
        var appendBob = storage.WriteAsync("bob", versions["bob"], JournalWrite.Append("entry"u8.ToArray()));
        var deleteCat = storage.WriteAsync("cat", versions["cat"], JournalWrite.Delete());
        _gate.Open();
        await Task.WhenAll(opener, deleteAnn, appendBob, deleteCat);

        Assert.Equal(2, storage.Metrics.Requests - requests);
        Assert.Equal((JournalVersion.None, JournalVersion.None), (await deleteAnn, await deleteCat));
        Assert.Equal(["bob", "eve"], (await harness.RowsAsync()).Select(row => row.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal(await appendBob, (await storage.ReadAsync("bob")).Version);
    }

    [Fact]
    public async Task Large_writes_split_over_transactions_by_payload_size()
    {
        var harness = await StartAsync(partitionCount: 1);
        var storage = harness.Storage;
        var payload = new byte[700 * 1024];

        _gate.Close();
        var opener = storage.WriteAsync("eve", JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));
        var writes = new[] { "ann", "bob", "cat" }.Select(key => storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(payload))).ToList();
        _gate.Open();
        await opener;
        await Task.WhenAll(writes);

        // eve alone; ann and bob (1.4 MiB) fit the 2 MiB payload budget of one transaction; cat goes in the next.
        Assert.Equal(3, storage.Metrics.Requests);
        Assert.Equal(payload.Length, (await storage.ReadAsync("cat")).Snapshot!.Length);
    }

    [Fact]
    public async Task A_listing_covers_every_partition_of_its_service_and_no_other_services_journals_on_the_table()
    {
        var harness = await StartAsync(partitionCount: 8);
        var neighbours = new[] { "profilegrid-test", "profilegrid-tests2", "profilegrid-tests!" };
        var others = new List<AzureTableJournalStorage>();
        foreach (var serviceId in neighbours)
        {
            others.Add(await StartServiceAsync(harness.Table.Name, serviceId, partitionCount: 8));
        }

        var keys = Enumerable.Range(0, 40).Select(i => $"customer:{i}").ToList();
        foreach (var storage in others.Prepend(harness.Storage))
        {
            foreach (var key in keys.Take(storage == harness.Storage ? keys.Count : 5))
            {
                await storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Encoding.UTF8.GetBytes(key)));
            }
        }

        var listed = await ListAllAsync(harness.Storage, pageSize: 7);
        var otherListed = await ListAllAsync(others[1], pageSize: 1000);

        Assert.Equal(8, (await harness.RowsAsync()).Where(row => row.PartitionKey.StartsWith($"{JournalHarness.ServiceId}!", StringComparison.Ordinal)).Select(row => row.PartitionKey).Distinct().Count());
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(keys.Take(5).Order(StringComparer.Ordinal), otherListed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_listing_gives_back_keys_of_up_to_the_whole_key_length_and_refuses_a_row_whose_key_was_shortened()
    {
        var harness = await StartAsync(partitionCount: 1);
        var longest = new string('~', TableKey.MaxWholeBytes(suffixChars: 0) / 6);
        await harness.Storage.WriteAsync(longest, JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));

        Assert.Equal([longest], await ListAllAsync(harness.Storage, pageSize: 10));

        var shortened = new string('~', 400);
        await harness.Storage.WriteAsync(shortened, JournalVersion.None, JournalWrite.Snapshot(new byte[] { 2 }));
        var exception = await Assert.ThrowsAsync<CorruptStateException>(() => harness.Storage.ListKeysAsync(null, 10));
        Assert.Contains(TableKey.SanitizePrefix(shortened, suffixChars: 0), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_the_table_does_not_answer_is_storage_unavailable()
    {
        var outage = new QueryOutage();
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(outage, HttpPipelinePosition.PerCall);
        var harness = await JournalHarness.StartAsync(azurite.ConnectionString, TableNames.Fresh("journal"), options => options.ClientOptions = clientOptions);
        _harnesses.Add(harness);
        await harness.Storage.WriteAsync("ann", JournalVersion.None, JournalWrite.Snapshot(new byte[] { 1 }));

        outage.Down = true;
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => harness.Storage.ListKeysAsync(null, 10));
        outage.Down = false;

        Assert.Equal(503, Assert.IsType<RequestFailedException>(error.InnerException).Status);
        Assert.Equal(["ann"], await ListAllAsync(harness.Storage, pageSize: 10));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var harness in _harnesses)
        {
            await harness.Table.DeleteAsync();
        }
    }

    private static async Task<List<string>> ListAllAsync(AzureTableJournalStorage storage, int pageSize)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = await storage.ListKeysAsync(continuation, pageSize);
            Assert.InRange(page.Keys.Count, 0, pageSize);
            keys.AddRange(page.Keys);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return keys;
    }

    private async Task<AzureTableJournalStorage> StartServiceAsync(string tableName, string serviceId, int partitionCount)
    {
        var storage = Unstarted(
            new AzureTableJournalStorageOptions { ConnectionString = azurite.ConnectionString, TableName = tableName, PartitionCount = partitionCount },
            serviceId);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    private static AzureTableJournalStorage Unstarted(AzureTableJournalStorageOptions options, string serviceId) => new(
        "journals",
        options,
        Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "tests" }),
        NullLogger<AzureTableJournalStorage>.Instance);

    /// <summary>While down, answers every query as a busy table would, before it is sent.</summary>
    private sealed class QueryOutage : HttpPipelinePolicy
    {
        public bool Down { get; set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The journal storage only sends asynchronously.");

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            Down && message.Request.Method == RequestMethod.Get
                ? throw new RequestFailedException(503, "The table is down (test outage).")
                : ProcessNextAsync(message, pipeline);
    }

    private static int Rounds(int operations, int perRound) => (operations + perRound - 1) / perRound;

    private async Task<JournalHarness> StartAsync(int partitionCount, int maxConcurrentRequests = AzureTableJournalStorageOptions.DefaultMaxConcurrentRequests)
    {
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(_gate, HttpPipelinePosition.PerCall);
        var harness = await JournalHarness.StartAsync(azurite.ConnectionString, TableNames.Fresh("journal"), options =>
        {
            options.PartitionCount = partitionCount;
            options.MaxConcurrentRequests = maxConcurrentRequests;
            options.ClientOptions = clientOptions;
        });
        _harnesses.Add(harness);
        return harness;
    }
}
