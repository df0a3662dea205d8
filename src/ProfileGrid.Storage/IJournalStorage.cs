using Orleans.Storage;

namespace ProfileGrid.Storage;

/// <summary>
/// Stores a grain's state as a journal: the latest snapshot and the entries appended since, each an opaque payload.
/// A write carries either one new entry (the change) or a new snapshot that replaces the snapshot and every entry,
/// so what a write costs follows the change, not the history. Writes are optimistic: each names the version it
/// extends, and a journal that moved since (another activation wrote) refuses it.
/// </summary>
public interface IJournalStorage
{
    /// <summary>The snapshot and the entries after it, oldest first; <see cref="JournalVersion.None"/> when nothing is stored.</summary>
    Task<JournalRead> ReadAsync(string key);

    /// <summary>
    /// Appends an entry, replaces the whole journal by a snapshot, or deletes it, if the journal is still at
    /// <paramref name="expected"/>. A delete of a journal expected not to exist does nothing.
    /// </summary>
    /// <returns>The version the journal is at after the write (<see cref="JournalVersion.None"/> after a delete).</returns>
    /// <exception cref="InconsistentStateException">The journal is no longer at <paramref name="expected"/>.</exception>
    /// <exception cref="ArgumentException">A write past the journal's bounds (<see cref="JournalVersion.MaxEntries"/>, <see cref="JournalVersion.MaxEntryBytes"/>, <see cref="JournalVersion.MaxSnapshotBytes"/>), or an append to an empty journal.</exception>
    Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write);

    /// <summary>The keys of the journals stored, a page at a time in a stable order; pass the returned continuation to get the next page (null when there is none).</summary>
    /// <remarks>
    /// Every key stored when a listing starts and not deleted during it appears exactly once over its pages; a key
    /// written during the listing may or may not. A page may hold fewer than <paramref name="pageSize"/> keys, none
    /// even, while more follow. The storage knows nothing of payloads, so a journal holding an erasure tombstone is listed.
    /// </remarks>
    /// <param name="continuation">Null for the first page, then the continuation of the page before.</param>
    /// <param name="pageSize">At most this many keys in the page: 1 to <see cref="JournalKeyPage.MaxSize"/>.</param>
    /// <param name="cancellationToken">Cancels the request for this page.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is outside 1 to <see cref="JournalKeyPage.MaxSize"/>.</exception>
    Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// The keys that start with <paramref name="prefix"/> (ordinal), a page at a time, as <see cref="ListKeysAsync(string?, int, CancellationToken)"/>
    /// lists all of them; a listing reads what it finds, not all the storage holds (the wake-up scheduler lists the
    /// minutes of an hour that hold anyone).
    /// </summary>
    /// <param name="prefix">What each key listed starts with; not empty.</param>
    /// <param name="continuation">Null for the first page, then the continuation of the page before.</param>
    /// <param name="pageSize">At most this many keys in the page: 1 to <see cref="JournalKeyPage.MaxSize"/>.</param>
    /// <param name="cancellationToken">Cancels the request for this page.</param>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pageSize"/> is outside 1 to <see cref="JournalKeyPage.MaxSize"/>.</exception>
    Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default);
}
