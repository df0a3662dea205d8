namespace ProfileGrid.Storage;

/// <summary>Where a journal stands: how many entries follow its snapshot, and the store's concurrency tag.</summary>
/// <param name="Entries">Entries appended since the snapshot.</param>
/// <param name="Tag">The store's token for this version (an ETag); null while nothing is stored.</param>
public readonly record struct JournalVersion(int Entries, string? Tag)
{
    /// <summary>At most this many entries follow a snapshot; the writer snapshots before the journal would grow past it.</summary>
    public const int MaxEntries = 64;

    public static readonly JournalVersion None = new(0, null);

    public bool Exists => Tag is not null;

    public bool IsFull => Entries >= MaxEntries;

    /// <summary>The version after <paramref name="write"/> extends this one, carrying the store's new tag.</summary>
    /// <exception cref="ArgumentException">An append to an empty or full journal.</exception>
    public JournalVersion After(JournalWrite write, string tag)
    {
        if (write.Kind == JournalWriteKind.Snapshot) return new JournalVersion(0, tag);
        if (!Exists) throw new ArgumentException("A journal starts with a snapshot; there is nothing to append to.", nameof(write));
        if (IsFull) throw new ArgumentException($"A journal holds at most {MaxEntries} entries after its snapshot; write a snapshot.", nameof(write));
        return new JournalVersion(Entries + 1, tag);
    }
}
