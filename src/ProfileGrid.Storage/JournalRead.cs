namespace ProfileGrid.Storage;

/// <summary>A journal as read: its version, its snapshot (null when nothing is stored) and the entries after it, oldest first.</summary>
public sealed record JournalRead(JournalVersion Version, byte[]? Snapshot, IReadOnlyList<byte[]> Entries)
{
    public static readonly JournalRead Empty = new(JournalVersion.None, null, []);

    /// <summary>Bytes stored: the snapshot and every entry.</summary>
    public int StoredBytes => (Snapshot?.Length ?? 0) + Entries.Sum(entry => entry.Length);
}
