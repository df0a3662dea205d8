using Orleans.Storage;
using ProfileGrid.Storage;

namespace ProfileGrid.Customers;

/// <summary>
/// One customer's state in its journal (<see cref="IJournalStorage"/>): a snapshot and the writes since, each entry
/// holding only that write's changes. A write appends its entry while the entries stay small next to the snapshot
/// and otherwise stores a new snapshot, so a write costs about its change (with snapshots amortized over the
/// entries before them), whatever the customer's history. Entries may take a fifth of a small snapshot, so that a
/// quiet customer stays within 1.2 snapshots (2 KiB), and half of a larger one, where writes matter more than bytes
/// stored (1.5 snapshots); a young customer's journal may in any case grow to 1.5 KiB, so that its first writes
/// (a snapshot of a few hundred bytes, with no room for an entry in a fifth of it) are not each a snapshot.
/// Single-threaded like the grain that owns it.
/// </summary>
internal sealed class CustomerJournal(IJournalStorage storage, CustomerCodec codec, string key)
{
    /// <summary>Snapshots smaller than this are small: their entries take at most a fifth of them, others' half.</summary>
    private const int SmallSnapshotBytes = 2048;

    /// <summary>A journal may hold this many bytes in all, whatever the rule for its snapshot's size allows.</summary>
    private const int YoungJournalBytes = 1536;

    private JournalVersion _version = JournalVersion.None;
    private int _snapshotBytes;

    /// <summary>
    /// Whether this journal knows what is stored: it read it, or stored a write. Until then a write assumes that
    /// nothing is stored (so a new customer costs no read) and fails with <see cref="AlreadyStoredException"/> if
    /// something was.
    /// </summary>
    public bool Known { get; private set; }

    /// <summary>Bytes stored now: the snapshot and the entries after it.</summary>
    public int StoredBytes => _snapshotBytes + _version.EntryBytes;

    /// <summary>
    /// Reads the snapshot and replays the entries after it, keeping a year of days of the <paramref name="history"/>
    /// types (none when not given; the grain always gives them, <see cref="Counters.HistoryTypes.All"/> when it cannot know).
    /// </summary>
    /// <exception cref="CorruptStateException">A payload does not read back.</exception>
    public async Task<CustomerState> ReadAsync(Counters.HistoryTypes? history = null)
    {
        var read = await storage.ReadAsync(key);
        var state = read.Snapshot is null ? new CustomerState() : codec.Decode<CustomerState>(read.Snapshot, key);
        state.History = history ?? Counters.HistoryTypes.None;
        foreach (var entry in read.Entries) codec.Decode<CustomerEntry>(entry, key).Replay(state);
        (_version, _snapshotBytes) = (read.Version, read.Snapshot?.Length ?? 0);
        Known = true;
        return state;
    }

    /// <summary>
    /// Encodes a write now (the state goes on changing while it is stored): <paramref name="entry"/>, or a snapshot
    /// of <paramref name="state"/>, which already holds the entry's changes. A write that forgets data (erasure, a
    /// merged profile's data dropped) is always a snapshot: it replaces the row, so no earlier entry survives it.
    /// </summary>
    public JournalWrite Prepare(CustomerState state, CustomerEntry entry)
    {
        if (!entry.Rewrites && _version.CanAppend(0))
        {
            var encoded = codec.Encode(entry, compress: false);
            if (_version.CanAppend(encoded.Length) && _version.EntryBytes + encoded.Length <= EntryBudget)
            {
                return JournalWrite.Append(encoded);
            }
        }

        return JournalWrite.Snapshot(codec.Encode(state, compress: true));
    }

    private int EntryBudget => Math.Max(
        YoungJournalBytes - _snapshotBytes,
        _snapshotBytes < SmallSnapshotBytes ? _snapshotBytes / 5 : _snapshotBytes / 2);

    /// <summary>Deletes the customer's row altogether (a merged profile erased with its target): nothing of it stays, not even its key.</summary>
    public async Task DeleteAsync()
    {
        if (!Known) throw new InvalidOperationException($"Journal '{key}' must be read before it is deleted: an unread journal does not know its row's version.");
        _version = await storage.WriteAsync(key, _version, JournalWrite.Delete());
        (_snapshotBytes, Known) = (0, true);
    }

    /// <summary>Stores a prepared write; after a failure, read again before the next one.</summary>
    /// <exception cref="AlreadyStoredException">The journal was not read, and turned out not to be empty.</exception>
    public async Task WriteAsync(JournalWrite write)
    {
        try
        {
            _version = await storage.WriteAsync(key, _version, write);
        }
        catch (InconsistentStateException exception) when (!Known)
        {
            throw new AlreadyStoredException(key, exception);
        }

        Known = true;
        if (write.Kind == JournalWriteKind.Snapshot) _snapshotBytes = write.Payload.Length;
    }
}
