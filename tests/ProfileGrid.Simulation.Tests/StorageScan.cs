using System.Text;
using Azure.Data.Tables;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// Looks through what is stored for texts that must be gone (an erased customer's identifiers, event markers and merged
/// profiles), in keys and in payloads (compressed ones inflated). On memory storage: every journal of every journal
/// storage (the identifier index lives in Orleans' memory grain storage, which the history checks by resolving each
/// identifier instead). On Azurite: every row of every table written since the history started (a row written before
/// cannot hold a text the history made up), every property. The erased customer's own id may stay as the key of its
/// tombstone, and nowhere else.
/// </summary>
public static class StorageScan
{
    /// <param name="since">When the history started, by this machine's clock (which stamps Azurite's rows), not the domain's.</param>
    public static async Task<List<string>> FindAsync(SimulatedCluster cluster, IReadOnlyList<string> markers, string tombstone, DateTimeOffset since)
    {
        var found = new List<string>();
        if (cluster.ConnectionString is { } connectionString)
        {
            await ScanTablesAsync(connectionString, markers, tombstone, since, found);
            return found;
        }

        foreach (var (name, storage) in cluster.Journals)
        {
            string? continuation = null;
            do
            {
                var page = await storage.ListKeysAsync(continuation, 1000);
                foreach (var key in page.Keys)
                {
                    var isTombstone = name == Customers.StorageNames.Customers && key == tombstone;
                    var read = await storage.ReadAsync(key);
                    if (!isTombstone) Match(Encoding.UTF8.GetBytes(key), markers, $"{name} key {key} ({read.Snapshot?.Length ?? 0} snapshot bytes, {read.Entries.Count} entries)", found);
                    if (read.Snapshot is { } snapshot) Match(Readable(snapshot), markers, $"{name} {key} snapshot", found);
                    for (var i = 0; i < read.Entries.Count; i++) Match(Readable(read.Entries[i]), markers, $"{name} {key} entry {i}", found);
                }

                continuation = page.Continuation;
            }
            while (continuation is not null);
        }

        return found;
    }

    private static async Task ScanTablesAsync(string connectionString, IReadOnlyList<string> markers, string tombstone, DateTimeOffset since, List<string> found)
    {
        var service = new TableServiceClient(connectionString);
        await foreach (var table in service.QueryAsync())
        {
            var client = service.GetTableClient(table.Name);
            await foreach (var row in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Timestamp ge {since}")))
            {
                var isTombstone = table.Name == "ProfileGridJournals" && row.RowKey.Contains(tombstone, StringComparison.Ordinal);
                foreach (var (name, value) in row)
                {
                    if (isTombstone && name is "PartitionKey" or "RowKey") continue;
                    var bytes = value switch
                    {
                        string text => Encoding.UTF8.GetBytes(text),
                        byte[] binary => Readable(binary),
                        _ => null,
                    };
                    if (bytes is not null) Match(bytes, markers, $"{table.Name} {row.PartitionKey}/{row.RowKey} {name}", found);
                }
            }
        }
    }

    private static void Match(byte[] bytes, IReadOnlyList<string> markers, string place, List<string> found)
    {
        foreach (var marker in markers.Distinct())
        {
            if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0) found.Add($"'{marker}' in {place}");
        }
    }

    /// <summary>A payload as its serializer wrote it: Zstandard-compressed ones (a leading 2 and a 4-byte length) inflated.</summary>
    private static byte[] Readable(byte[] payload)
    {
        if (payload.Length <= 5 || payload[0] != 2) return payload;
        try
        {
            using var decompressor = new ZstdSharp.Decompressor();
            return [.. payload, .. decompressor.Unwrap(payload.AsSpan(5)).ToArray()];
        }
        catch (ZstdSharp.ZstdException)
        {
            return payload;
        }
    }
}
