using System.Globalization;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Replay;

/// <summary>
/// Reads one journal partition's archive, every day of it from the first day archived to tomorrow (a writer's clock
/// may run ahead), blob by blob in the order written (<see cref="ArchiveBlobs"/>), and hands each record sealed under
/// one of the keys asked for to its customer's rebuild: one read of the partition serves every customer of it being
/// rebuilt, and only a few blobs are in memory at a time (those read ahead).
/// </summary>
public sealed class ArchiveHistory(IArchiveStore store, CustomerArchiving archiving)
{
    /// <summary>Blobs read ahead of the one being replayed.</summary>
    private const int ReadAhead = 4;

    /// <summary>Feeds the partition's records to <paramref name="rebuilds"/> (by key id); returns the blobs read.</summary>
    public async Task<int> ReadAsync(int partition, IReadOnlyDictionary<string, CustomerRebuild> rebuilds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rebuilds);
        if (rebuilds.Count == 0 || await FirstDayAsync(cancellationToken) is not { } first) return 0;
        var blobs = 0;
        var last = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1));
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{ArchiveBlobs.DayPrefix(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))}{partition:D4}/");
            // The next few blobs are read while one is replayed (a blob read is a round trip), and replayed in the order listed.
            var reads = new Queue<Task<byte[]?>>(ReadAhead);
            await foreach (var name in store.ListAsync(prefix, cancellationToken))
            {
                reads.Enqueue(store.ReadAsync(name, cancellationToken));
                if (reads.Count == ReadAhead) blobs += Feed(await reads.Dequeue(), rebuilds);
            }

            while (reads.Count > 0) blobs += Feed(await reads.Dequeue(), rebuilds);
        }

        return blobs;
    }

    /// <summary>Hands a blob's records to their rebuilds; 0 for a blob gone since it was listed (retention deleted its day: the rebuilds then find the history incomplete).</summary>
    private int Feed(byte[]? blob, IReadOnlyDictionary<string, CustomerRebuild> rebuilds)
    {
        if (blob is null) return 0;
        foreach (var record in ArchiveBlobs.Read(blob))
        {
            if (rebuilds.TryGetValue(record.KeyId, out var rebuild)) rebuild.Add(record, archiving.Open);
        }

        return 1;
    }

    /// <summary>The first day archived: blob names start with their day, and list in order.</summary>
    private async Task<DateOnly?> FirstDayAsync(CancellationToken cancellationToken)
    {
        await foreach (var name in store.ListAsync("", cancellationToken))
        {
            if (ArchiveBlobs.DayOf(name) is { } day) return day;
        }

        return null;
    }
}
