namespace ProfileGrid.Storage;

/// <summary>Where a journal stands: the entries after its snapshot, their size, and the store's concurrency tag.</summary>
/// <param name="Entries">Entries appended since the snapshot.</param>
/// <param name="EntryBytes">Payload bytes of those entries.</param>
/// <param name="Tag">The store's token for this version (an ETag); null while nothing is stored.</param>
public readonly record struct JournalVersion(int Entries, int EntryBytes, string? Tag)
{
    /// <summary>At most this many entries follow a snapshot; the writer snapshots before the journal would grow past it.</summary>
    public const int MaxEntries = 64;

    /// <summary>The entries after a snapshot hold at most this many payload bytes in all.</summary>
    public const int MaxEntryBytes = 192 * 1024;

    /// <summary>A snapshot's payload is at most this many bytes: with its entries, a journal stays under 1 MiB.</summary>
    public const int MaxSnapshotBytes = 768 * 1024;

    /// <summary>
    /// A write's outbox record is at most this many bytes: with a snapshot of <see cref="MaxSnapshotBytes"/> it stays within
    /// one transaction's payload, and packed it fits one outbox row.
    /// </summary>
    public const int MaxOutboxBytes = 900 * 1024;

    /// <summary>
    /// A write's record for the deliveries outbox (<see cref="JournalWrite.Deliveries"/>) is at most this many bytes:
    /// with a snapshot and an archive record at their bounds, one write stays within a transaction's payload.
    /// </summary>
    public const int MaxDeliveriesBytes = 256 * 1024;

    public static readonly JournalVersion None = new(0, 0, null);

    public bool Exists => Tag is not null;

    /// <summary>Whether an entry of <paramref name="bytes"/> bytes may still be appended.</summary>
    public bool CanAppend(int bytes) => Exists && Entries < MaxEntries && EntryBytes + bytes <= MaxEntryBytes;

    /// <summary>The version after <paramref name="write"/> extends this one, carrying the store's new tag (<see cref="None"/> after a delete).</summary>
    /// <exception cref="ArgumentException">An append to an empty or full journal, or a snapshot or outbox record past its bound.</exception>
    public JournalVersion After(JournalWrite write, string tag)
    {
        var bytes = write.Payload.Length;
        if (write.Kind == JournalWriteKind.Delete) return None;
        if (write.Outbox.Length > MaxOutboxBytes)
        {
            throw new ArgumentException($"An outbox record holds at most {MaxOutboxBytes} bytes, not {write.Outbox.Length}.", nameof(write));
        }

        if (write.Deliveries.Length > MaxDeliveriesBytes)
        {
            throw new ArgumentException($"A deliveries record holds at most {MaxDeliveriesBytes} bytes, not {write.Deliveries.Length}.", nameof(write));
        }

        if (write.Kind == JournalWriteKind.Snapshot)
        {
            return bytes <= MaxSnapshotBytes
                ? new JournalVersion(0, 0, tag)
                : throw new ArgumentException($"A snapshot holds at most {MaxSnapshotBytes} bytes, not {bytes}.", nameof(write));
        }

        if (!Exists) throw new ArgumentException("A journal starts with a snapshot; there is nothing to append to.", nameof(write));
        if (!CanAppend(bytes))
        {
            throw new ArgumentException(
                $"A journal holds at most {MaxEntries} entries and {MaxEntryBytes} bytes of them after its snapshot ({Entries} and {EntryBytes} now, {bytes} more asked); write a snapshot.",
                nameof(write));
        }

        return new JournalVersion(Entries + 1, EntryBytes + bytes, tag);
    }
}
