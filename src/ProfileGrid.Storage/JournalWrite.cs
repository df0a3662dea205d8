namespace ProfileGrid.Storage;

/// <summary>
/// One write to a journal: an entry to append, a snapshot that replaces the snapshot and all entries, or a delete that
/// removes the journal (its row) altogether, so that nothing of it stays in storage, not even its key.
/// </summary>
public readonly record struct JournalWrite(JournalWriteKind Kind, ReadOnlyMemory<byte> Payload)
{
    /// <summary>
    /// An opaque record to put in the journal's outbox (<see cref="IJournalOutbox"/>) in the same atomic step as the
    /// write: stored exactly when the write is; empty for none. The archive is fed from it.
    /// </summary>
    public ReadOnlyMemory<byte> Outbox { get; init; }

    /// <summary>
    /// An opaque record for the outbox of <see cref="OutboxChannel.Deliveries"/>, stored exactly when the write is, as
    /// <see cref="Outbox"/> is; empty for none. What the write owes the destinations.
    /// </summary>
    public ReadOnlyMemory<byte> Deliveries { get; init; }

    /// <summary>The write's record for <paramref name="channel"/>'s outbox (empty for none).</summary>
    public ReadOnlyMemory<byte> OutboxOf(OutboxChannel channel) => channel == OutboxChannel.Archive ? Outbox : Deliveries;

    public static JournalWrite Append(ReadOnlyMemory<byte> entry) => new(JournalWriteKind.Append, entry);

    public static JournalWrite Snapshot(ReadOnlyMemory<byte> snapshot) => new(JournalWriteKind.Snapshot, snapshot);

    /// <summary>Removes the journal; deleting one that is not stored (<see cref="JournalVersion.None"/> expected) does nothing.</summary>
    public static JournalWrite Delete() => new(JournalWriteKind.Delete, ReadOnlyMemory<byte>.Empty);
}

public enum JournalWriteKind
{
    Append,
    Snapshot,
    Delete,
}
