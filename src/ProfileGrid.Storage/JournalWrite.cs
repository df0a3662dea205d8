namespace ProfileGrid.Storage;

/// <summary>One write to a journal: an entry to append, or a snapshot that replaces the snapshot and all entries.</summary>
public readonly record struct JournalWrite(JournalWriteKind Kind, ReadOnlyMemory<byte> Payload)
{
    public static JournalWrite Append(ReadOnlyMemory<byte> entry) => new(JournalWriteKind.Append, entry);

    public static JournalWrite Snapshot(ReadOnlyMemory<byte> snapshot) => new(JournalWriteKind.Snapshot, snapshot);
}

public enum JournalWriteKind
{
    Append,
    Snapshot,
}
