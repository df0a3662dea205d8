using System.Text;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>
/// Every row a shard stores (its directory, its page rows, its row from before pages), read straight from storage:
/// which rows hold an id anywhere in their bytes (compressed payloads inflated), and what the directory says.
/// </summary>
internal sealed class ShardRows
{
    private ShardRows(string shard, Dictionary<string, JournalRead> rows) => (Shard, Rows) = (shard, rows);

    public string Shard { get; }

    /// <summary>Each row by key.</summary>
    public Dictionary<string, JournalRead> Rows { get; }

    public MemberDirectorySnapshot Directory =>
        SerializerFixture.Codec.Decode<MemberDirectorySnapshot>(Rows[Shard + "/d"].Snapshot!, "directory");

    public static async Task<ShardRows> ReadAsync(IJournalStorage storage, string shard)
    {
        var rows = new Dictionary<string, JournalRead>(StringComparer.Ordinal);
        string? continuation = null;
        do
        {
            var page = await storage.ListKeysAsync(continuation, JournalKeyPage.MaxSize);
            foreach (var key in page.Keys.Where(key => key == shard || key.StartsWith(shard + "/", StringComparison.Ordinal)))
            {
                rows[key] = await storage.ReadAsync(key);
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
        return rows.Count == 0 ? throw new InvalidOperationException($"No row of shard {shard} is listed.") : new ShardRows(shard, rows);
    }

    /// <summary>The rows whose bytes hold <paramref name="text"/>.</summary>
    public string[] Holding(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return [.. Rows.Where(row => Payloads(row.Value).Any(payload => Readable(payload).AsSpan().IndexOf(needle) >= 0)).Select(row => row.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>The members each page row holds (snapshot and entries replayed), by page id.</summary>
    public Dictionary<int, string[]> PageMembers()
    {
        var pages = new Dictionary<int, string[]>();
        foreach (var (key, read) in Rows)
        {
            var at = key.LastIndexOf("/p", StringComparison.Ordinal);
            if (at < 0 || key[..at] != Shard) continue;
            var members = new SortedSet<string>(read.Snapshot is null ? [] : SerializerFixture.Codec.Decode<MemberPageSnapshot>(read.Snapshot, key).Ids, StringComparer.Ordinal);
            foreach (var entry in read.Entries.Select(payload => SerializerFixture.Codec.Decode<MemberLogEntry>(payload, key)))
            {
                foreach (var change in entry.Changes)
                {
                    if (change.Kind == IndexChangeKind.Removed) members.Remove(change.CustomerId);
                    else members.Add(change.CustomerId);
                }
            }

            pages[int.Parse(key[(at + 2)..], System.Globalization.CultureInfo.InvariantCulture)] = [.. members];
        }

        return pages;
    }

    /// <summary>
    /// What must hold after any failure: every page the directory lists holds only ids of its range and the log's
    /// changes complete it; every other page row is blank; the row from before pages holds nothing. Returns the members
    /// the directory and its pages hold.
    /// </summary>
    public string[] AssertConsistent()
    {
        var directory = Directory;
        var pages = PageMembers();
        // The snapshot's counts hold the log it carries; the entries appended after it are counted on reading.
        var appended = Rows[Shard + "/d"].Entries.Select(payload => SerializerFixture.Codec.Decode<MemberLogEntry>(payload, "log")).ToList();
        var log = directory.Log.Concat(appended).ToList();
        var members = new List<string>();
        for (var i = 0; i < directory.PageIds.Length; i++)
        {
            var (low, high) = (directory.LowKeys[i], i + 1 < directory.LowKeys.Length ? directory.LowKeys[i + 1] : null);
            var page = new SortedSet<string>(pages.GetValueOrDefault(directory.PageIds[i]) ?? [], StringComparer.Ordinal);
            Assert.All(page, id => Assert.True(string.CompareOrdinal(id, low) >= 0 && (high is null || string.CompareOrdinal(id, high) < 0), $"{id} is outside page {directory.PageIds[i]} [{low}, {high})"));
            var pageLsn = PageLsn(directory.PageIds[i]);
            foreach (var change in log.Where(entry => entry.Lsn > pageLsn).SelectMany(entry => entry.Changes))
            {
                if (string.CompareOrdinal(change.CustomerId, low) < 0 || (high is not null && string.CompareOrdinal(change.CustomerId, high) >= 0)) continue;
                if (change.Kind == IndexChangeKind.Removed) page.Remove(change.CustomerId);
                else page.Add(change.CustomerId);
            }

            var counted = directory.Counts[i] + appended.SelectMany(entry => entry.Changes)
                .Where(change => string.CompareOrdinal(change.CustomerId, low) >= 0 && (high is null || string.CompareOrdinal(change.CustomerId, high) < 0))
                .Sum(change => change.Kind switch { IndexChangeKind.Added => 1, IndexChangeKind.Removed => -1, _ => 0 });
            Assert.Equal(counted, page.Count);
            members.AddRange(page);
        }

        foreach (var (pageId, ids) in pages.Where(page => !directory.PageIds.Contains(page.Key)))
        {
            Assert.True(ids.Length == 0, $"Page row {pageId}, which the directory does not use, holds {string.Join(", ", ids)}.");
        }

        if (Rows.TryGetValue(Shard, out var legacy))
        {
            Assert.Empty(SerializerFixture.Codec.Decode<SegmentMembersSnapshot>(legacy.Snapshot!, "legacy").Ids);
            Assert.Empty(legacy.Entries);
        }

        return [.. members];
    }

    private long PageLsn(int pageId)
    {
        if (!Rows.TryGetValue($"{Shard}/p{pageId}", out var read)) return 0;
        var lsn = read.Snapshot is null ? 0 : SerializerFixture.Codec.Decode<MemberPageSnapshot>(read.Snapshot, "page").Lsn;
        return read.Entries.Select(payload => SerializerFixture.Codec.Decode<MemberLogEntry>(payload, "page").Lsn).Append(lsn).Max();
    }

    private static IEnumerable<byte[]> Payloads(JournalRead read) => read.Snapshot is null ? read.Entries : read.Entries.Prepend(read.Snapshot);

    /// <summary>A payload as its serializer wrote it: Zstandard-compressed ones (a leading 2 and a 4-byte length) inflated.</summary>
    private static byte[] Readable(byte[] payload)
    {
        if (payload.Length <= 5 || payload[0] != 2) return payload;
        using var decompressor = new ZstdSharp.Decompressor();
        return [.. decompressor.Unwrap(payload.AsSpan(5)).ToArray()];
    }
}
