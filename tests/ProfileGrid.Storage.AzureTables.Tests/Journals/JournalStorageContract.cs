using System.Text;
using Orleans.Storage;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>What every <see cref="IJournalStorage"/> must do; each store runs it through a subclass.</summary>
public abstract class JournalStorageContract
{
    protected abstract IJournalStorage Storage { get; }

    [Fact]
    public async Task Reading_a_missing_journal_gives_the_empty_journal()
    {
        var read = await Storage.ReadAsync(NewKey());

        Assert.Equal(JournalVersion.None, read.Version);
        Assert.False(read.Version.Exists);
        Assert.Null(read.Snapshot);
        Assert.Empty(read.Entries);
    }

    [Fact]
    public async Task A_snapshot_and_the_entries_appended_after_it_read_back_in_order()
    {
        var key = NewKey();
        var snapshot = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));
        var first = await Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("one")));
        var second = await Storage.WriteAsync(key, first, JournalWrite.Append(Bytes("two")));
        var third = await Storage.WriteAsync(key, second, JournalWrite.Append(Bytes("three")));

        var read = await Storage.ReadAsync(key);

        Assert.Equal(new[] { 0, 1, 2, 3 }, new[] { snapshot, first, second, third }.Select(version => version.Entries));
        Assert.Equal(4, new[] { snapshot, first, second, third }.Select(version => version.Tag).Distinct().Count());
        Assert.Equal(third, read.Version);
        Assert.Equal("snapshot", Text(read.Snapshot));
        Assert.Equal(["one", "two", "three"], read.Entries.Select(Text));
    }

    [Fact]
    public async Task An_append_to_a_stale_version_is_refused_and_changes_nothing()
    {
        var key = NewKey();
        var snapshot = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));
        var current = await Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("one")));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("stale"))));

        var read = await Storage.ReadAsync(key);
        Assert.Equal(current, read.Version);
        Assert.Equal("snapshot", Text(read.Snapshot));
        Assert.Equal(["one"], read.Entries.Select(Text));
    }

    [Fact]
    public async Task A_snapshot_over_a_stale_version_is_refused_and_changes_nothing()
    {
        var key = NewKey();
        var snapshot = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));
        var current = await Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("one")));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(key, snapshot, JournalWrite.Snapshot(Bytes("stale"))));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("new"))));

        var read = await Storage.ReadAsync(key);
        Assert.Equal(current, read.Version);
        Assert.Equal("snapshot", Text(read.Snapshot));
        Assert.Equal(["one"], read.Entries.Select(Text));
    }

    [Fact]
    public async Task A_deleted_journal_reads_empty_is_not_listed_and_starts_afresh()
    {
        var key = NewKey();
        var snapshot = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));
        var appended = await Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("one")));

        var deleted = await Storage.WriteAsync(key, appended, JournalWrite.Delete());
        var read = await Storage.ReadAsync(key);
        var listed = (await ListAllAsync(pageSize: JournalKeyPage.MaxSize)).SelectMany(page => page).ToList();
        var again = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("again")));

        Assert.Equal(JournalVersion.None, deleted);
        Assert.Equal((JournalVersion.None, null, 0), (read.Version, read.Snapshot, read.Entries.Count));
        Assert.DoesNotContain(key, listed);
        Assert.Equal("again", Text((await Storage.ReadAsync(key)).Snapshot));
        Assert.Equal(0, again.Entries);
    }

    [Fact]
    public async Task A_delete_of_a_stale_version_is_refused_and_a_delete_of_nothing_does_nothing()
    {
        var key = NewKey();
        var snapshot = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));
        var current = await Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("one")));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(key, snapshot, JournalWrite.Delete()));
        var nothing = await Storage.WriteAsync(NewKey(), JournalVersion.None, JournalWrite.Delete());

        var read = await Storage.ReadAsync(key);
        Assert.Equal(current, read.Version);
        Assert.Equal(["one"], read.Entries.Select(Text));
        Assert.Equal(JournalVersion.None, nothing);
    }

    [Fact]
    public async Task An_append_to_an_empty_journal_is_an_argument_error()
    {
        var key = NewKey();

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Append(Bytes("one"))));

        Assert.False((await Storage.ReadAsync(key)).Version.Exists);
    }

    [Fact]
    public async Task An_append_past_the_maximum_entries_is_an_argument_error()
    {
        var key = NewKey();
        var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));
        for (var i = 1; i <= JournalVersion.MaxEntries; i++)
        {
            version = await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes($"entry {i}")));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.WriteAsync(key, version, JournalWrite.Append(Bytes("one too many"))));

        var read = await Storage.ReadAsync(key);
        Assert.Equal(version, read.Version);
        Assert.Equal(Enumerable.Range(1, JournalVersion.MaxEntries).Select(i => $"entry {i}"), read.Entries.Select(Text));
    }

    [Fact]
    public async Task A_snapshot_drops_the_entries_before_it()
    {
        var key = NewKey();
        var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("first")));
        foreach (var entry in new[] { "one", "two", "three" })
        {
            version = await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes(entry)));
        }

        var snapshot = await Storage.WriteAsync(key, version, JournalWrite.Snapshot(Bytes("second")));
        var afterSnapshot = await Storage.ReadAsync(key);
        var appended = await Storage.WriteAsync(key, snapshot, JournalWrite.Append(Bytes("four")));
        var afterAppend = await Storage.ReadAsync(key);

        Assert.Equal(0, snapshot.Entries);
        Assert.Equal(snapshot, afterSnapshot.Version);
        Assert.Equal("second", Text(afterSnapshot.Snapshot));
        Assert.Empty(afterSnapshot.Entries);
        Assert.Equal(appended, afterAppend.Version);
        Assert.Equal(["four"], afterAppend.Entries.Select(Text));
    }

    [Fact]
    public async Task What_was_read_or_written_stays_as_it_was_when_the_journal_and_the_writers_buffer_change()
    {
        var key = NewKey();
        var buffer = Bytes("snapshot-1");
        var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(buffer));
        Bytes("entry-1").AsSpan().CopyTo(buffer);
        version = await Storage.WriteAsync(key, version, JournalWrite.Append(buffer.AsMemory(0, 7)));
        var read = await Storage.ReadAsync(key);

        // The writer reuses its buffer, and the journal is rewritten with payloads of the same sizes.
        Bytes("XXXXXXXXXX").AsSpan().CopyTo(buffer);
        version = await Storage.WriteAsync(key, version, JournalWrite.Snapshot(Bytes("snapshot-2")));
        version = await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes("entry-2")));

        Assert.Equal("snapshot-1", Text(read.Snapshot));
        Assert.Equal(["entry-1"], read.Entries.Select(Text));
        var now = await Storage.ReadAsync(key);
        Assert.Equal(version, now.Version);
        Assert.Equal("snapshot-2", Text(now.Snapshot));
        Assert.Equal(["entry-2"], now.Entries.Select(Text));
    }

    [Fact]
    public async Task Payloads_of_hundreds_of_kilobytes_round_trip()
    {
        var key = NewKey();
        var snapshot = Random(700 * 1024, seed: 1);
        var first = Random(100 * 1024, seed: 2);
        var second = Random(90 * 1024, seed: 3);
        var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(snapshot));
        version = await Storage.WriteAsync(key, version, JournalWrite.Append(first));
        version = await Storage.WriteAsync(key, version, JournalWrite.Append(second));

        var read = await Storage.ReadAsync(key);

        Assert.Equal(version, read.Version);
        Assert.Equal(snapshot, read.Snapshot);
        Assert.Equal([first, second], read.Entries);
        Assert.Equal(snapshot.Length + first.Length + second.Length, read.StoredBytes);
    }

    [Fact]
    public async Task An_empty_payload_round_trips_as_empty()
    {
        var key = NewKey();
        var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(ReadOnlyMemory<byte>.Empty));
        version = await Storage.WriteAsync(key, version, JournalWrite.Append(ReadOnlyMemory<byte>.Empty));

        var read = await Storage.ReadAsync(key);

        Assert.Equal(version, read.Version);
        Assert.Empty(Assert.IsType<byte[]>(read.Snapshot));
        Assert.Empty(Assert.Single(read.Entries));
    }

    [Fact]
    public async Task Keys_that_share_prefixes_or_hold_separators_and_escapes_never_see_each_others_rows()
    {
        var root = NewKey();
        string[] suffixes = ["", " ", "a", ":", ":a", "!", "!01", "!02", "%", "%01", "~", "~21", "~25", "~7E", "/", "~2F", "'", "\""];
        var keys = suffixes.Select(suffix => root + suffix).ToList();
        foreach (var key in keys)
        {
            var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes($"snapshot of {key}")));
            version = await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes($"entry 1 of {key}")));
            await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes($"entry 2 of {key}")));
        }

        foreach (var key in keys)
        {
            var read = await Storage.ReadAsync(key);
            Assert.Equal(2, read.Version.Entries);
            Assert.Equal($"snapshot of {key}", Text(read.Snapshot));
            Assert.Equal([$"entry 1 of {key}", $"entry 2 of {key}"], read.Entries.Select(Text));
        }
    }

    [Fact]
    public async Task Listing_page_by_page_gives_every_stored_key_once_in_a_stable_order()
    {
        var root = NewKey();
        string[] escaped = ["~", "!", "%", "~7E", "/", " ", "Zoë 山田"];
        var keys = Enumerable.Range(0, 25).Select(i => $"{root}:{i:D2}{(i < escaped.Length ? escaped[i] : "")}").ToList();
        foreach (var (key, i) in keys.Select((key, i) => (key, i)))
        {
            var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes($"snapshot of {key}")));
            if (i % 3 == 0) await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes($"entry of {key}")));
        }

        var first = await ListAllAsync(pageSize: 7);
        var second = await ListAllAsync(pageSize: 7);

        var listed = first.SelectMany(page => page).Where(key => key.StartsWith(root, StringComparison.Ordinal)).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.All(first, page => Assert.InRange(page.Count, 0, 7));
        Assert.True(first.Count >= 4, $"25 keys came in {first.Count} pages of at most 7.");
        Assert.Equal(first.SelectMany(page => page), second.SelectMany(page => page));
    }

    [Fact]
    public async Task Keys_written_during_a_listing_do_not_repeat_or_hide_the_keys_stored_before_it()
    {
        var root = NewKey();
        var stored = Enumerable.Range(0, 20).Select(i => $"{root}:{i:D2}").ToList();
        foreach (var key in stored)
        {
            await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes(key)));
        }

        var listed = new List<string>();
        string? continuation = null;
        var round = 0;
        do
        {
            var page = await Storage.ListKeysAsync(continuation, pageSize: 3);
            listed.AddRange(page.Keys);
            continuation = page.Continuation;

            // New journals on both sides of where the listing stands, and a write to one already listed.
            round++;
            await Storage.WriteAsync($"{root}:{round:D2}a", JournalVersion.None, JournalWrite.Snapshot(Bytes("new")));
            await Storage.WriteAsync($"{root}:{round:D2}~!", JournalVersion.None, JournalWrite.Snapshot(Bytes("new")));
            var first = await Storage.ReadAsync(stored[0]);
            await Storage.WriteAsync(stored[0], first.Version, JournalWrite.Append(Bytes($"entry {round}")));
        }
        while (continuation is not null);

        var mine = listed.Where(key => key.StartsWith(root, StringComparison.Ordinal)).ToList();
        Assert.Equal(mine.Count, mine.Distinct().Count());
        Assert.Equal(stored, mine.Intersect(stored).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Listing_takes_one_key_per_page_and_stops_at_a_null_continuation()
    {
        var root = NewKey();
        string[] keys = [$"{root}:a", $"{root}:b", $"{root}:c"];
        foreach (var key in keys)
        {
            await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes(key)));
        }

        var pages = await ListAllAsync(pageSize: 1);

        Assert.All(pages, page => Assert.InRange(page.Count, 0, 1));
        Assert.Equal(keys, pages.SelectMany(page => page).Where(key => key.StartsWith(root, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_journal_whose_first_write_was_refused_is_not_listed()
    {
        var key = NewKey();
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Append(Bytes("one"))));

        var listed = (await ListAllAsync(pageSize: JournalKeyPage.MaxSize)).SelectMany(page => page);

        Assert.DoesNotContain(key, listed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(JournalKeyPage.MaxSize + 1)]
    public async Task A_page_size_outside_1_to_1000_is_refused(int pageSize)
    {
        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.ListKeysAsync(null, pageSize));

        Assert.Equal("pageSize", exception.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(JournalKeyPage.MaxSize)]
    public async Task A_listing_by_prefix_gives_each_key_that_starts_with_it_once_and_no_other(int pageSize)
    {
        var root = NewKey();
        // Escaped characters inside and right after the prefix, a key that is the prefix itself, and its neighbours.
        string[] inside = [$"{root}/07:a", $"{root}/07:b/01", $"{root}/07:c~#?%!", $"{root}/07:\u00e9", $"{root}/07:"];
        string[] outside = [$"{root}/07", $"{root}/06:z", $"{root}/08:a", $"{root}/07;a", $"{root}/0", $"{root}~/07:a"];
        foreach (var key in inside.Concat(outside))
        {
            await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes(key)));
        }

        var listed = new List<string>();
        string? continuation = null;
        do
        {
            var page = await Storage.ListKeysStartingWithAsync($"{root}/07:", continuation, pageSize);
            Assert.InRange(page.Keys.Count, 0, pageSize);
            listed.AddRange(page.Keys);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        Assert.Equal(inside.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_listing_by_a_prefix_nothing_starts_with_is_one_empty_page()
    {
        var page = await Storage.ListKeysStartingWithAsync(NewKey(), null, 10);

        Assert.Empty(page.Keys);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task A_listing_by_prefix_refuses_an_empty_prefix_and_a_page_size_outside_1_to_1000()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.ListKeysStartingWithAsync("", null, 10));
        Assert.Equal("pageSize", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.ListKeysStartingWithAsync("a", null, 0))).ParamName);
        Assert.Equal("pageSize", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.ListKeysStartingWithAsync("a", null, JournalKeyPage.MaxSize + 1))).ParamName);
    }

    [Fact]
    public async Task Outbox_records_are_stored_with_their_writes_read_oldest_first_and_deleted()
    {
        var outbox = (IJournalOutbox)Storage;
        var key = NewKey();
        var partition = outbox.PartitionOf(key);
        var first = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")) with { Outbox = Bytes("record one") });
        var second = await Storage.WriteAsync(key, first, JournalWrite.Append(Bytes("entry")) with { Outbox = Bytes("record two") });
        await Storage.WriteAsync(key, second, JournalWrite.Append(Bytes("no record")));

        var rows = await outbox.ReadOldestAsync(partition, 10);

        Assert.Equal(["record one", "record two"], rows.SelectMany(row => row.Records).Select(Text));
        Assert.Equal(rows.OrderBy(row => row.Id, StringComparer.Ordinal).Select(row => row.Id), rows.Select(row => row.Id));
        Assert.Single(await outbox.ReadOldestAsync(partition, 1));
        Assert.Equal(rows[0].Id, (await outbox.ReadOldestAsync(partition, 1))[0].Id);
        await outbox.DeleteAsync(partition, [rows[0]]);
        Assert.Equal(["record two"], (await outbox.ReadOldestAsync(partition, 10)).SelectMany(row => row.Records).Select(Text));
        // Deleting again what is gone passes it over.
        await outbox.DeleteAsync(partition, rows);
        Assert.Empty(await outbox.ReadOldestAsync(partition, 10));
    }

    [Fact]
    public async Task An_outbox_record_past_its_bound_is_refused_and_its_partition_goes_on_writing()
    {
        var outbox = (IJournalOutbox)Storage;
        var key = NewKey();
        var neighbour = Enumerable.Range(0, 10_000).Select(_ => NewKey()).First(other => outbox.PartitionOf(other) == outbox.PartitionOf(key));
        var version = await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes("snapshot")));

        // One past the bound (a row holds 960 KiB): the write is refused before it reaches the partition's writer,
        // which once threw building the transaction and then served its partition no more.
        var tooLarge = new byte[JournalVersion.MaxOutboxBytes + 1];
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.WriteAsync(key, version, JournalWrite.Append(Bytes("entry")) with { Outbox = tooLarge }));
        var atBound = new byte[JournalVersion.MaxOutboxBytes];
        var next = await Storage.WriteAsync(key, version, JournalWrite.Snapshot(Bytes("snapshot two")) with { Outbox = atBound });
        await Storage.WriteAsync(neighbour, JournalVersion.None, JournalWrite.Snapshot(Bytes("neighbour")) with { Outbox = Bytes("neighbour record") });

        Assert.Equal(0, next.Entries);
        var records = (await outbox.ReadOldestAsync(outbox.PartitionOf(key), 10)).SelectMany(row => row.Records).ToList();
        Assert.Equal([JournalVersion.MaxOutboxBytes, "neighbour record".Length], records.Select(record => record.Length));
    }

    [Fact]
    public async Task A_refused_write_leaves_no_outbox_record_while_the_writes_sent_with_it_leave_theirs()
    {
        var outbox = (IJournalOutbox)Storage;
        var stale = NewKey();
        var fresh = Enumerable.Range(0, 5).Select(_ => NewKey()).ToArray();
        var staleVersion = await Storage.WriteAsync(stale, JournalVersion.None, JournalWrite.Snapshot(Bytes("one")));
        await Storage.WriteAsync(stale, staleVersion, JournalWrite.Append(Bytes("two")));

        // Sent together (one transaction where the store batches): the stale write fails alone.
        var writes = fresh.Select(key => Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes(key)) with { Outbox = Bytes("kept " + key) })).ToList();
        var refused = Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(stale, staleVersion, JournalWrite.Append(Bytes("three")) with { Outbox = Bytes("refused " + stale) }));
        await Task.WhenAll(writes);
        await refused;

        var records = new List<string>();
        for (var partition = 0; partition < outbox.PartitionCount; partition++)
        {
            records.AddRange((await outbox.ReadOldestAsync(partition, 100)).SelectMany(row => row.Records).Select(Text));
        }

        Assert.Equal(fresh.Select(key => "kept " + key).Order(StringComparer.Ordinal), records.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_outbox_channel_keeps_the_records_of_its_own_and_is_emptied_by_its_own_reader()
    {
        var archive = ((IJournalOutboxChannels)Storage).Outbox(OutboxChannel.Archive);
        var deliveries = ((IJournalOutboxChannels)Storage).Outbox(OutboxChannel.Deliveries);
        var keys = Enumerable.Range(0, 6).Select(_ => NewKey()).ToArray();

        // Sent together (one transaction where the store batches), one write carrying only a deliveries record.
        await Task.WhenAll(keys.Select((key, index) => Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes(key)) with
        {
            Outbox = index == 0 ? default : Bytes("archive " + key),
            Deliveries = Bytes("deliveries " + key),
        })));
        var stale = keys[1];
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            Storage.WriteAsync(stale, JournalVersion.None, JournalWrite.Snapshot(Bytes("again")) with { Outbox = Bytes("refused archive"), Deliveries = Bytes("refused deliveries") }));

        Assert.Equal(keys.Skip(1).Select(key => "archive " + key).Order(StringComparer.Ordinal), (await RecordsAsync(archive)).Order(StringComparer.Ordinal));
        Assert.Equal(keys.Select(key => "deliveries " + key).Order(StringComparer.Ordinal), (await RecordsAsync(deliveries)).Order(StringComparer.Ordinal));
        Assert.Equal(archive.PartitionOf(keys[0]), deliveries.PartitionOf(keys[0]));

        // Emptying one channel leaves the other as it was.
        for (var partition = 0; partition < deliveries.PartitionCount; partition++)
        {
            await deliveries.DeleteAsync(partition, await deliveries.ReadOldestAsync(partition, 100));
        }

        Assert.Empty(await RecordsAsync(deliveries));
        Assert.Equal(5, (await RecordsAsync(archive)).Count);

        // A deliveries record has a bound of its own, checked before the write reaches storage.
        var key = keys[0];
        var version = (await Storage.ReadAsync(key)).Version;
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.WriteAsync(key, version, JournalWrite.Append(Bytes("entry")) with { Deliveries = new byte[JournalVersion.MaxDeliveriesBytes + 1] }));
        await Storage.WriteAsync(key, version, JournalWrite.Append(Bytes("entry")) with { Deliveries = new byte[JournalVersion.MaxDeliveriesBytes], Outbox = new byte[JournalVersion.MaxOutboxBytes] });
        Assert.Equal([JournalVersion.MaxDeliveriesBytes], (await deliveries.ReadOldestAsync(deliveries.PartitionOf(key), 10)).SelectMany(row => row.Records).Select(record => record.Length));
    }

    [Fact]
    public async Task Listing_the_keys_passes_over_the_rows_waiting_in_either_outbox()
    {
        var keys = Enumerable.Range(0, 5).Select(_ => NewKey()).ToArray();
        foreach (var key in keys)
        {
            await Storage.WriteAsync(key, JournalVersion.None, JournalWrite.Snapshot(Bytes(key)) with { Outbox = Bytes("archive " + key), Deliveries = Bytes("deliveries " + key) });
        }

        var listed = (await ListAllAsync(pageSize: 2)).SelectMany(page => page).ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Where(keys.Contains).Order(StringComparer.Ordinal));
        Assert.Equal(listed.Distinct().Count(), listed.Count);
    }

    private static async Task<List<string>> RecordsAsync(IJournalOutbox outbox)
    {
        var records = new List<string>();
        for (var partition = 0; partition < outbox.PartitionCount; partition++)
        {
            records.AddRange((await outbox.ReadOldestAsync(partition, 100)).SelectMany(row => row.Records).Select(Text));
        }

        return records;
    }

    /// <summary>Every page of a listing, until the continuation is null.</summary>
    protected async Task<List<IReadOnlyList<string>>> ListAllAsync(int pageSize)
    {
        var pages = new List<IReadOnlyList<string>>();
        string? continuation = null;
        do
        {
            var page = await Storage.ListKeysAsync(continuation, pageSize);
            pages.Add(page.Keys);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        return pages;
    }

    protected static string NewKey() => $"customer:{Guid.NewGuid():N}";

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Text(byte[]? bytes) => Encoding.UTF8.GetString(bytes ?? throw new InvalidOperationException("No payload."));

    protected static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
