using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Storage;
using ProfileGrid.Storage.Archive;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Every accepted write is archived (issue 27): sealed under the customer's archive key into the journal's outbox with
/// the write, then written as a blob by its partition's archiver, exactly once, whatever fails in between; erasure
/// deletes the keys, so nothing archived of the customer (or of a profile merged into it) reads again.
/// </summary>
[Collection(ArchiveGatewayCollection.Name)]
public sealed partial class ArchiveTests(ArchiveGatewayFixture gateway)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];

    private IArchiveKeys Keys => gateway.Services.GetRequiredService<IArchiveKeys>();

    private CustomerArchiving Archiving => gateway.Services.GetRequiredService<CustomerArchiving>();

    private IJournalOutbox Outbox => gateway.Services.GetRequiredKeyedService<IJournalOutbox>(StorageNames.Customers);

    [Fact]
    public async Task Each_write_is_archived_once_sealed_under_the_customers_key_in_its_day_and_partition()
    {
        var customer = NewCustomerId();
        var before = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 3; i++) await Post(customer, $"e{i}-{_run}", $"sku-{i}-{_run}");

        var entries = await ArchivedAsync(customer, writes: 3);

        Assert.Equal([1L, 2L, 3L], entries.Select(archived => archived.Entry.Seq));
        var events = entries.SelectMany(archived => archived.Entry.Changes.OfType<EventsChange>()).ToList();
        Assert.Equal([$"e1-{_run}", $"e2-{_run}", $"e3-{_run}"], events.SelectMany(change => change.Events).Select(e => e.Id));
        Assert.All(events, change => Assert.Equal("test producer", change.Producer));
        Assert.All(events, change => Assert.InRange(change.At, before, DateTimeOffset.UtcNow));
        Assert.Equal($$"""{"sku":"sku-2-{{_run}}"}""", events[1].Events[0].Properties);
        var partition = Outbox.PartitionOf(customer);
        Assert.All(entries, archived => Assert.Matches(
            $"^{Regex.Escape(ArchiveBlobs.DayPrefix(archived.Entry.At))}{partition:D4}/[0-9]{{19}}-[^/]+\\.ndjson\\.gz$", archived.Blob));

        // Replayed in seq order onto an empty state, the archive gives back the state the journal holds.
        var replayed = new CustomerState();
        foreach (var archived in entries) archived.Entry.Replay(replayed);
        Assert.Equal(3, replayed.Seq);
        Assert.True(replayed.AppliedEvents.Contains(IdempotencyLog.ScopeOf("test producer"), $"e3-{_run}"));
    }

    [Fact]
    public async Task A_write_too_large_for_an_outbox_record_is_stored_archived_as_its_state_and_blocks_nothing()
    {
        // A legal batch the archive cannot hold as an entry: 64 events of 16 KB of random properties (1 MB of body,
        // which compresses to about three quarters, and base64 in the record makes a third more) seal to more than an outbox record holds. Before, the partition's
        // writer threw while building the transaction and never served its partition again.
        var customer = NewCustomerId();
        await Post(customer, $"big0-{_run}", "sku");
        var batch = new JsonArray();
        for (var i = 0; i < 64; i++)
        {
            batch.Add(new JsonObject
            {
                ["id"] = $"big{i + 1}-{_run}", ["type"] = "page_view", ["customerId"] = customer,
                ["properties"] = new JsonObject { ["blob"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12_000)).Replace('+', '-').Replace('/', '_') },
            });
        }

        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject { ["events"] = batch }.ToJsonString())), HttpStatusCode.Accepted);
        await Post(customer, $"big65-{_run}", "sku");
        await Post(NewCustomerId(), $"other-{_run}", "sku");

        var entries = await ArchivedAsync(customer, writes: 3);
        Assert.Equal([1L, 2L, 3L], entries.Select(archived => archived.Entry.Seq));
        var restore = Assert.IsType<ProfileGrid.Replay.RestoreChange>(Assert.Single(entries[1].Entry.Changes));
        Assert.Equal(2, restore.State.Seq);
        var replayed = new CustomerState();
        foreach (var archived in entries) archived.Entry.Replay(replayed);
        var scope = IdempotencyLog.ScopeOf("test producer");
        Assert.All(Enumerable.Range(0, 66), i => Assert.True(replayed.AppliedEvents.Contains(scope, $"big{i}-{_run}")));
        var profile = await gateway.As(AgentKey).GetFromJsonAsync<JsonObject>($"/v1/customers/{customer}");
        Assert.Equal(64, (int)profile!["counters"]!["page_view"]!["total"]!["count"]!);
    }

    [Fact]
    public async Task A_failing_blob_store_neither_delays_the_202_nor_loses_or_repeats_a_record()
    {
        var customer = NewCustomerId();
        gateway.ArchiveStore.FailBeforeWrite = true;
        try
        {
            await Post(customer, $"f1-{_run}", "sku");
            await Post(customer, $"f2-{_run}", "sku");
            await Post(customer, $"f3-{_run}", "sku");
            await Task.Delay(300);
            Assert.Empty(await RecordsOfAsync(customer));
            Assert.NotEmpty(await Outbox.ReadOldestAsync(Outbox.PartitionOf(customer), 1000));

            // Blobs written but the archiver stops before deleting the rows, again and again: the rows stay. (All three
            // rows are in the outbox before the switch: a blob is named after its first row, so the first blob written
            // is the one every later poll finds again, and it must hold all three for the wait below to end.)
            gateway.ArchiveStore.FailAfterWrite = true;
            gateway.ArchiveStore.FailBeforeWrite = false;
            await WaitUntil(async () => (await RecordsOfAsync(customer)).Count == 3);
            await Task.Delay(300);
        }
        finally
        {
            (gateway.ArchiveStore.FailBeforeWrite, gateway.ArchiveStore.FailAfterWrite) = (false, false);
        }

        // Restored: the rows are taken again, found archived, deleted; nothing is written twice.
        var entries = await ArchivedAsync(customer, writes: 3);
        await WaitUntil(async () => !(await Outbox.ReadOldestAsync(Outbox.PartitionOf(customer), 1000)).Any(row => Holds(row, customer)));
        Assert.Equal([1L, 2L, 3L], entries.Select(archived => archived.Entry.Seq));
    }

    [Fact]
    public async Task A_row_that_came_after_a_blob_was_written_with_an_id_inside_its_range_is_archived_not_deleted()
    {
        // An archiver wrote a blob of the partition's rows and stopped before deleting them; one row had not committed
        // yet when it read them, with an id between the blob's first and last (ids are taken before the write
        // commits). The archiver that takes over finds the blob: it deletes the rows the blob holds, and archives the
        // late one (it deleted every row up to the blob's last, the late one unarchived; SiloCrashRecoveryTests in CI).
        var customer = NewCustomerId();
        var partition = Outbox.PartitionOf(customer);
        gateway.ArchiveStore.FailBeforeWrite = true;
        try
        {
            await Post(customer, $"l1-{_run}", "sku");
            await Post(customer, $"l2-{_run}", "sku");
            await Post(customer, $"l3-{_run}", "sku");
            var rows = (await Outbox.ReadOldestAsync(partition, 1000)).Where(row => Holds(row, customer)).ToList();
            Assert.Equal(3, rows.Count);
            var name = ArchiveBlobs.Name(rows[0].WrittenAt, partition, rows[0].Id);
            Assert.Null(await gateway.ArchiveStore.Inner.TryCreateAsync(name, ArchiveBlobs.Write(rows[0].Records.Concat(rows[2].Records)), rows[2].Id));
        }
        finally
        {
            gateway.ArchiveStore.FailBeforeWrite = false;
        }

        var entries = await ArchivedAsync(customer, writes: 3);
        Assert.Equal([1L, 2L, 3L], entries.Select(archived => archived.Entry.Seq).Order());
        await WaitUntil(async () => !(await Outbox.ReadOldestAsync(partition, 1000)).Any(row => Holds(row, customer)));
    }

    [Fact]
    public async Task A_catch_up_returns_once_the_rows_waiting_are_in_blobs_and_fails_while_the_store_does()
    {
        // What a replay resuming a partition asks of its archiver: the restores it stored there before, archived now.
        var customer = NewCustomerId();
        var partition = Outbox.PartitionOf(customer);
        var archiver = gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IArchivePartitionGrain>(partition);
        gateway.ArchiveStore.FailBeforeWrite = true;
        try
        {
            await Post(customer, $"c1-{_run}", "sku");
            await Assert.ThrowsAnyAsync<IOException>(() => archiver.CatchUp());
            Assert.Contains(await Outbox.ReadOldestAsync(partition, 1000), row => Holds(row, customer));
        }
        finally
        {
            gateway.ArchiveStore.FailBeforeWrite = false;
        }

        await Post(customer, $"c2-{_run}", "sku");
        await archiver.CatchUp();

        Assert.DoesNotContain(await Outbox.ReadOldestAsync(partition, 1000), row => Holds(row, customer));
        Assert.Equal([1L, 2L], (await RecordsOfAsync(customer)).Select(archived => archived.Record.Seq).Order());
    }

    [Fact]
    public async Task After_erasure_nothing_of_the_customer_or_its_merged_profile_reads_in_the_archive_or_the_journals()
    {
        var customer = NewCustomerId();
        var anonymous = $"anon-{_run}";
        string[] markers = [$"m1-{_run}", $"m2-{_run}", $"gift-{_run}", $"Ann {_run}", $"ann.{_run}@example.com", anonymous];
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject
        {
            ["id"] = $"m1-{_run}", ["type"] = "page_view", ["anonymousId"] = anonymous, ["properties"] = new JsonObject { ["note"] = $"gift-{_run}" },
        }.ToJsonString())), HttpStatusCode.Accepted);
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(new JsonObject
        {
            ["customerId"] = customer, ["anonymousId"] = anonymous,
            ["traits"] = new JsonObject { ["name"] = $"Ann {_run}", ["email"] = $"ann.{_run}@example.com" },
        }.ToJsonString())), HttpStatusCode.OK);
        await Post(customer, $"m2-{_run}", $"gift-{_run}");
        var merged = $"anon:{anonymous}";
        var customerKey = await Keys.FindAsync(customer) ?? throw new InvalidOperationException("The customer has no archive key.");
        var mergedKey = await Keys.FindAsync(merged) ?? throw new InvalidOperationException("The anonymous profile has no archive key.");
        await WaitUntil(async () => await OutboxHoldsAsync(customerKey, mergedKey) == 0 && (await RecordsOfAsync(merged)).Count > 0);
        // The archive names no one in clear, even before the erasure; the records open with the keys.
        Assert.Empty(await ScanArchiveAsync([.. markers, customer]));
        Assert.Contains(await OpenedAsync(customerKey), entry => entry.Changes.OfType<EventsChange>().Any(change => change.Events[0].Id == $"m2-{_run}"));
        Assert.Contains(await OpenedAsync(mergedKey), entry => entry.Changes.OfType<EventsChange>().Any(change => change.Events[0].Id == $"m1-{_run}"));
        Assert.NotEmpty(await ScanJournalsAsync(markers));

        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        Assert.Null(await Keys.FindAsync(customer));
        Assert.Null(await Keys.FindAsync(merged));
        // The records are still there, sealed, but no key the grid holds opens them: a replay finds nothing of the customer.
        Assert.NotEmpty(await RecordsWithKeyIdAsync(customerKey.IdText));
        Assert.NotEmpty(await RecordsWithKeyIdAsync(mergedKey.IdText));
        foreach (var record in await RecordsWithKeyIdAsync(customerKey.IdText))
        {
            Assert.Throws<AuthenticationTagMismatchException>(() => record.Open(ArchiveKey.New() is var other ? new ArchiveKey([.. customerKey.Id, .. other.Key]) : null!));
        }

        Assert.Empty(await ScanArchiveAsync([.. markers, customer]));
        Assert.Empty(await ScanJournalsAsync(markers));
        // Writes after the erasure (its tombstones) are not archived: nothing new under any key of the customer.
        await Task.Delay(300);
        Assert.Null(await Keys.FindAsync(customer));
    }

    [Fact]
    public async Task The_retention_job_deletes_the_days_past_the_retention_and_keeps_the_rest()
    {
        // The host starts with its first use (the silo, its archivers and their retention job).
        _ = gateway.Services;
        var today = DateTimeOffset.UtcNow;
        var expired = ArchiveBlobs.Name(today.AddDays(-ArchiveGatewayFixture.RetentionDays), 7, $"0-{_run}");
        var expiredLongAgo = ArchiveBlobs.Name(today.AddYears(-3), 7, $"0-{_run}");
        var lastKept = ArchiveBlobs.Name(today.AddDays(-(ArchiveGatewayFixture.RetentionDays - 1)), 7, $"0-{_run}");
        var kept = ArchiveBlobs.Name(today, 7, $"0-{_run}");
        foreach (var name in new[] { expired, expiredLongAgo, lastKept, kept }) Assert.Null(await gateway.ArchiveStore.Inner.TryCreateAsync(name, ArchiveBlobs.Write([]), "tag"));

        await WaitUntil(async () => await gateway.ArchiveStore.ReadAsync(expired) is null && await gateway.ArchiveStore.ReadAsync(expiredLongAgo) is null);

        Assert.NotNull(await gateway.ArchiveStore.ReadAsync(lastKept));
        Assert.NotNull(await gateway.ArchiveStore.ReadAsync(kept));
    }

    private async Task Post(string customer, string id, string sku) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject
        {
            ["id"] = id, ["type"] = "purchase", ["customerId"] = customer, ["value"] = 10, ["properties"] = new JsonObject { ["sku"] = sku },
        }.ToJsonString())), HttpStatusCode.Accepted);

    /// <summary>The customer's archived entries, in seq order, once there are <paramref name="writes"/>; fails on any seq archived twice.</summary>
    private async Task<List<(string Blob, CustomerEntry Entry)>> ArchivedAsync(string customer, int writes)
    {
        await WaitUntil(async () => (await RecordsOfAsync(customer)).Count >= writes);
        await Task.Delay(200);
        var key = await Keys.FindAsync(customer) ?? throw new InvalidOperationException("The customer has no archive key.");
        var records = await RecordsOfAsync(customer);
        var entries = records.Select(record => (record.Blob, Entry: Archiving.Open(key, record.Record))).OrderBy(archived => archived.Entry.Seq).ToList();
        Assert.Equal(entries.Select(archived => archived.Entry.Seq).Distinct(), entries.Select(archived => archived.Entry.Seq));
        Assert.Equal(writes, entries.Count);
        return entries;
    }

    private async Task<List<(string Blob, ArchiveRecord Record)>> RecordsOfAsync(string customer) =>
        await Keys.FindAsync(customer) is { } key ? [.. (await AllRecordsAsync()).Where(record => record.Record.KeyId == key.IdText)] : [];

    private async Task<List<ArchiveRecord>> RecordsWithKeyIdAsync(string keyId) =>
        [.. (await AllRecordsAsync()).Where(record => record.Record.KeyId == keyId).Select(record => record.Record)];

    private async Task<List<CustomerEntry>> OpenedAsync(ArchiveKey key) =>
        [.. (await AllRecordsAsync()).Where(record => record.Record.KeyId == key.IdText).Select(record => Archiving.Open(key, record.Record))];

    private async Task<List<(string Blob, ArchiveRecord Record)>> AllRecordsAsync()
    {
        var records = new List<(string, ArchiveRecord)>();
        await foreach (var name in gateway.ArchiveStore.ListAsync(""))
        {
            records.AddRange(ArchiveBlobs.Read((await gateway.ArchiveStore.ReadAsync(name))!).Select(record => (name, record)));
        }

        return records;
    }

    private async Task<int> OutboxHoldsAsync(params ArchiveKey[] keys)
    {
        var count = 0;
        for (var partition = 0; partition < Outbox.PartitionCount; partition++)
        {
            foreach (var row in await Outbox.ReadOldestAsync(partition, 1000))
            {
                count += row.Records.Count(record => keys.Any(key => ArchiveRecord.Parse(record).KeyId == key.IdText));
            }
        }

        return count;
    }

    private bool Holds(OutboxRow row, string customer) =>
        Keys.FindAsync(customer).Result is { } key && row.Records.Any(record => ArchiveRecord.Parse(record).KeyId == key.IdText);

    /// <summary>Which texts occur in any blob (decompressed) or outbox row of the archive.</summary>
    private async Task<List<string>> ScanArchiveAsync(string[] texts)
    {
        var found = new List<string>();
        await foreach (var name in gateway.ArchiveStore.ListAsync(""))
        {
            var blob = (await gateway.ArchiveStore.ReadAsync(name))!;
            using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
            using var text = new MemoryStream();
            await gzip.CopyToAsync(text);
            found.AddRange(texts.Where(marker => Contains(name, marker) || Contains(text.ToArray(), marker) || Contains(blob, marker)).Select(marker => $"'{marker}' in blob {name}"));
        }

        for (var partition = 0; partition < Outbox.PartitionCount; partition++)
        {
            foreach (var record in (await Outbox.ReadOldestAsync(partition, 1000)).SelectMany(row => row.Records))
            {
                found.AddRange(texts.Where(marker => Contains(record, marker)).Select(marker => $"'{marker}' in outbox partition {partition}"));
            }
        }

        return found;
    }

    /// <summary>Which texts occur in any journal of any journal storage (payloads decompressed).</summary>
    private async Task<List<string>> ScanJournalsAsync(string[] texts)
    {
        var found = new List<string>();
        foreach (var name in new[] { StorageNames.Customers, StorageNames.SegmentMembers, StorageNames.Wakeups })
        {
            var storage = gateway.Services.GetRequiredKeyedService<IJournalStorage>(name);
            string? continuation = null;
            do
            {
                var page = await storage.ListKeysAsync(continuation, 1000);
                foreach (var key in page.Keys)
                {
                    var read = await storage.ReadAsync(key);
                    foreach (var payload in read.Entries.Prepend(read.Snapshot ?? []))
                    {
                        found.AddRange(texts.Where(marker => Contains(Readable(payload), marker)).Select(marker => $"'{marker}' in {name} {key}"));
                    }
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return found;
    }

    private static byte[] Readable(byte[] payload)
    {
        if (payload.Length <= 5 || payload[0] != 2) return payload;
        using var decompressor = new ZstdSharp.Decompressor();
        return [.. payload, .. decompressor.Unwrap(payload.AsSpan(5)).ToArray()];
    }

    private static bool Contains(string text, string marker) => text.Contains(marker, StringComparison.Ordinal);

    private static bool Contains(byte[] bytes, string marker) => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0;

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not archived within {Patience.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }
}
