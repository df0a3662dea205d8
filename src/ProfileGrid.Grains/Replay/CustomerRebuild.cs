using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Replay;

/// <summary>
/// One customer rebuilt from its archived writes: each record sealed under its key is opened and replayed onto an
/// empty state in seq order (<see cref="CustomerEntry.Replay"/>), whatever order the blobs give them in; a record
/// ahead of the next seq waits for the ones before it. The result is the state live processing stored, by
/// construction, but only if the archive holds every write from seq 1 on: a first seq above 1 (written before the
/// archive, or past its retention), a gap, a seq archived twice or a record that does not open make the rebuild fail
/// with the reason, and nothing of it is written. Each write is replayed as of the instant it was made, events at
/// their own timestamps, and the counters keep a year of days of the <paramref name="history"/> types (the types
/// history now needs, whether or not they were history types when the writes were made): so a type that became a
/// history type gets back the year that live processing folded away.
/// </summary>
public sealed class CustomerRebuild(string customer, ArchiveKey key, Counters.HistoryTypes? history = null)
{
    private readonly SortedDictionary<long, CustomerEntry> _ahead = [];

    public string Customer { get; } = customer;

    public ArchiveKey Key { get; } = key;

    /// <summary>The state rebuilt so far: every write up to its seq.</summary>
    public CustomerState State { get; } = new() { History = history ?? Counters.HistoryTypes.None };

    /// <summary>Why the rebuild cannot be used, once that is known.</summary>
    public string? Problem { get; private set; }

    /// <summary>Records of the customer read so far.</summary>
    public int Records { get; private set; }

    /// <summary>Replays one record of the customer's, opened with <paramref name="open"/>, or keeps it until the writes before it are replayed.</summary>
    public void Add(ArchiveRecord record, Func<ArchiveKey, ArchiveRecord, CustomerEntry> open)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(open);
        Records++;
        if (Problem is not null) return;
        if (record.Seq <= State.Seq || _ahead.ContainsKey(record.Seq))
        {
            Fail("a write of the customer is archived twice");
            return;
        }

        CustomerEntry entry;
        try
        {
            entry = open(Key, record);
        }
        catch (Exception exception) when (exception is System.Security.Cryptography.CryptographicException or Storage.CorruptStateException)
        {
            Fail($"an archived write does not open ({exception.GetType().Name})");
            return;
        }

        if (entry.Seq != record.Seq)
        {
            Fail("an archived write's seq is not the one its record names");
            return;
        }

        if (record.Seq != State.Seq + 1)
        {
            _ahead.Add(record.Seq, entry);
            return;
        }

        entry.Replay(State);
        while (_ahead.Remove(State.Seq + 1, out var next)) next.Replay(State);
    }

    /// <summary>The outcome once every record was read: the rebuilt state, or why there is none.</summary>
    public RebuildOutcome Finish()
    {
        if (Problem is not null) return RebuildOutcome.Failed(Problem);
        if (_ahead.Count > 0)
        {
            return RebuildOutcome.Failed(State.Seq == 0
                ? "the archive does not hold the customer's first writes (made before archiving, or past retention)"
                : "the archive misses writes of the customer (a gap in seq)");
        }

        return State.Seq == 0 ? RebuildOutcome.Skipped("nothing archived") : RebuildOutcome.Rebuilt(State);
    }

    private void Fail(string reason)
    {
        Problem = reason;
        _ahead.Clear();
    }
}
