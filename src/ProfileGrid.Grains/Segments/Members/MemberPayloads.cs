namespace ProfileGrid.Segments.Members;

// What a shard stores (MemberIndex): a directory journal whose entries are the log of changes, and page journals
// whose snapshots and entries hold the members. Ids are stable: stored payloads must read in later releases.

/// <summary>What a change did to the member set: it is stored only when it did something.</summary>
public enum IndexChangeKind : byte
{
    /// <summary>A customer who was not a member entered.</summary>
    Added = 0,

    /// <summary>A member entered again with a newer sequence number: it stays, since when it first entered.</summary>
    Refreshed = 1,

    /// <summary>A member left.</summary>
    Removed = 2,
}

/// <summary>One change to the member set as stored: the member's record after it (since, sequence), or its removal.</summary>
[GenerateSerializer, Immutable, Alias("pg.IndexChange")]
public readonly record struct IndexChange(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] IndexChangeKind Kind,
    [property: Id(2)] long SinceTicks,
    [property: Id(3)] long Sequence);

/// <summary>
/// Changes stored together, with their log sequence number (LSN): an entry of the directory's log (one per stored
/// call), or of a page's journal (the changes of the log that the page took at a checkpoint, up to that LSN).
/// </summary>
[GenerateSerializer, Alias("pg.MemberLogEntry")]
public sealed record MemberLogEntry([property: Id(0)] long Lsn, [property: Id(1)] IndexChange[] Changes);

/// <summary>A page's members as columns in id order (since in UTC ticks), and the LSN of the last change it holds.</summary>
[GenerateSerializer, Alias("pg.MemberPageSnapshot")]
public sealed record MemberPageSnapshot(
    [property: Id(0)] string[] Ids,
    [property: Id(1)] long[] Since,
    [property: Id(2)] long[] Sequence,
    [property: Id(3)] long Lsn);

/// <summary>
/// A shard's directory: its pages in id order (each from its <see cref="LowKeys"/> entry up to the next one's, with
/// its member count and estimated bytes, the log's changes included), the next page id never used, blank page rows
/// kept for reuse (<see cref="Free"/>), page rows a checkpoint replaced and still has to blank (<see cref="Retired"/>),
/// the row of the shard's format before pages while it still has to be blanked (<see cref="Legacy"/>), and the log
/// entries the pages have not taken yet (<see cref="Log"/>; more follow as the journal's entries). <see cref="Lsn"/>
/// is the last LSN given out.
/// </summary>
[GenerateSerializer, Alias("pg.MemberDirectorySnapshot")]
public sealed record MemberDirectorySnapshot(
    [property: Id(0)] long Lsn,
    [property: Id(1)] string[] LowKeys,
    [property: Id(2)] int[] PageIds,
    [property: Id(3)] int[] Counts,
    [property: Id(4)] int[] Bytes,
    [property: Id(5)] int NextPageId,
    [property: Id(6)] SparePage[] Free,
    [property: Id(7)] SparePage[] Retired,
    [property: Id(8)] StoredVersion? Legacy,
    [property: Id(9)] MemberLogEntry[] Log);

/// <summary>A page row that no page of the directory uses, and the version it was at when the directory recorded it.</summary>
[GenerateSerializer, Immutable, Alias("pg.SparePage")]
public readonly record struct SparePage([property: Id(0)] int PageId, [property: Id(1)] StoredVersion Version);

/// <summary>A journal's version as a directory records it (<see cref="Storage.JournalVersion"/>).</summary>
[GenerateSerializer, Immutable, Alias("pg.StoredVersion")]
public sealed record StoredVersion([property: Id(0)] int Entries, [property: Id(1)] int EntryBytes, [property: Id(2)] string Tag)
{
    public static StoredVersion Of(Storage.JournalVersion version) =>
        new(version.Entries, version.EntryBytes, version.Tag ?? throw new ArgumentException("A stored journal has a tag.", nameof(version)));

    public Storage.JournalVersion ToJournal() => new(Entries, EntryBytes, Tag);
}
