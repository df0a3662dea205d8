using ProfileGrid.Customers;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;

namespace ProfileGrid.Benchmarks.Members;

/// <summary>What the member index stores, read back from the storage: rows by kind, and their payload bytes.</summary>
internal sealed record StoredRows(int Directories, int Pages, int BlankRows, long Bytes, long DirectoryBytes, int LargestRow)
{
    public int Rows => Directories + Pages + BlankRows;

    public static async Task<StoredRows> ReadAsync(IJournalStorage storage, CustomerCodec codec)
    {
        var reads = new Dictionary<string, JournalRead>(StringComparer.Ordinal);
        string? continuation = null;
        do
        {
            var page = await storage.ListKeysAsync(continuation, JournalKeyPage.MaxSize);
            foreach (var key in page.Keys) reads[key] = await storage.ReadAsync(key);
            continuation = page.Continuation;
        }
        while (continuation is not null);

        var directories = reads.Where(row => row.Key.EndsWith("/d", StringComparison.Ordinal)).ToList();
        var used = directories.Sum(row => codec.Decode<MemberDirectorySnapshot>(row.Value.Snapshot!, row.Key).PageIds.Length);
        var pageRows = reads.Count - directories.Count;
        return new StoredRows(
            directories.Count, used, pageRows - used,
            reads.Values.Sum(read => (long)read.StoredBytes), directories.Sum(row => (long)row.Value.StoredBytes), reads.Values.Max(read => read.StoredBytes));
    }
}
