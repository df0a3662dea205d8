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

    /// <summary>Appends an entry or replaces the whole journal by a snapshot, if the journal is still at <paramref name="expected"/>.</summary>
    /// <returns>The version the journal is at after the write.</returns>
    /// <exception cref="InconsistentStateException">The journal is no longer at <paramref name="expected"/>.</exception>
    /// <exception cref="ArgumentException">A write past the journal's bounds (<see cref="JournalVersion.MaxEntries"/>, <see cref="JournalVersion.MaxEntryBytes"/>, <see cref="JournalVersion.MaxSnapshotBytes"/>), or an append to an empty journal.</exception>
    Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write);
}
