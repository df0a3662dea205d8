using Orleans.Storage;
using System.Collections.Concurrent;
using System.Globalization;

namespace ProfileGrid.Storage;

/// <summary>
/// Journals in this process's memory, for development, tests and benchmarks: nothing survives a restart. Each write
/// copies its payload, as a store would, so a writer that reuses its buffer cannot change what is stored; each read
/// copies out what is stored, so later writes cannot change what was read.
/// </summary>
/// <remarks>
/// A journal keeps its snapshot and its entries in two buffers of its own that are overwritten in place and grow
/// only when a payload does not fit, rather than one new array per write. Stored payloads live exactly as long as
/// the collector handles worst (for a busy customer, the second or so until its next snapshot): an array per write
/// was promoted through every generation before it died, and those collections were the tail of push latency under
/// ingest (docs/realtime.md). A store out of process (Azure Tables) keeps nothing of a write in this heap.
/// </remarks>
public sealed class MemoryJournalStorage : IJournalStorage, IJournalOutbox, IJournalOutboxChannels
{
    /// <summary>Outbox partitions kept when none are asked for.</summary>
    public const int DefaultPartitionCount = 16;

    // Each channel's outbox: each partition's rows by id (ids sort by time), each row one write's record.
    private readonly SortedDictionary<string, OutboxRow>[][] _outboxes;
    private readonly ChannelOutbox _deliveries;
    private long _lastRow;

    private readonly ConcurrentDictionary<string, Journal> _journals = new(StringComparer.Ordinal);
    // The keys of the journals that hold something, sorted, for listing: a key joins at its journal's first write and
    // leaves at its delete.
    private readonly SortedSet<string> _stored = new(StringComparer.Ordinal);
    private long _lastTag;

    public MemoryJournalStorage()
        : this(DefaultPartitionCount)
    {
    }

    public MemoryJournalStorage(int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        _outboxes = [.. Enum.GetValues<OutboxChannel>().Select(_ => Enumerable.Range(0, partitionCount).Select(_ => new SortedDictionary<string, OutboxRow>(StringComparer.Ordinal)).ToArray())];
        _deliveries = new ChannelOutbox(this, OutboxChannel.Deliveries);
    }

    /// <summary>The outbox of <see cref="OutboxChannel.Archive"/>, which this storage is itself.</summary>
    public int PartitionCount => _outboxes[0].Length;

    public int PartitionOf(string key) => JournalPartitions.Of(key, PartitionCount);

    public IJournalOutbox Outbox(OutboxChannel channel) => channel == OutboxChannel.Archive ? this : _deliveries;

    public Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(int partition, int max, CancellationToken cancellationToken = default) =>
        ReadOldest(OutboxChannel.Archive, partition, max);

    public Task DeleteAsync(int partition, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken = default) =>
        Delete(OutboxChannel.Archive, partition, rows);

    private Task<IReadOnlyList<OutboxRow>> ReadOldest(OutboxChannel channel, int partition, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var rows = _outboxes[(int)channel][partition];
        lock (rows)
        {
            return Task.FromResult<IReadOnlyList<OutboxRow>>([.. rows.Values.Take(max)]);
        }
    }

    private Task Delete(OutboxChannel channel, int partition, IReadOnlyList<OutboxRow> rows)
    {
        var stored = _outboxes[(int)channel][partition];
        lock (stored)
        {
            foreach (var row in rows) stored.Remove(row.Id);
        }

        return Task.CompletedTask;
    }

    public Task<JournalRead> ReadAsync(string key)
    {
        if (!_journals.TryGetValue(key, out var journal)) return Task.FromResult(JournalRead.Empty);
        lock (journal)
        {
            return Task.FromResult(journal.Read());
        }
    }

    public Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
        if (write.Kind == JournalWriteKind.Delete && !expected.Exists) return Task.FromResult(JournalVersion.None);
        var journal = _journals.GetOrAdd(key, static _ => new Journal());
        lock (journal)
        {
            if (journal.Version != expected)
            {
                throw new InconsistentStateException(
                    $"Journal '{key}' is at {journal.Version}, not at {expected}: another activation wrote it.",
                    journal.Version.Tag ?? "none",
                    expected.Tag ?? "none");
            }

            var version = expected.After(write, Interlocked.Increment(ref _lastTag).ToString(CultureInfo.InvariantCulture));
            if (write.Kind == JournalWriteKind.Delete)
            {
                // Gone as from a store: it reads as empty, is not listed, and a later write starts it afresh (a writer
                // holding the old version is refused). The empty journal stays in the map, so that a writer that found
                // it before the delete writes where readers look.
                journal.Clear();
                lock (_stored)
                {
                    _stored.Remove(key);
                }

                return Task.FromResult(version);
            }

            if (write.Kind == JournalWriteKind.Snapshot) journal.ReplaceSnapshot(write.Payload.Span);
            else journal.Append(write.Payload.Span);
            foreach (var channel in Enum.GetValues<OutboxChannel>())
            {
                if (!write.OutboxOf(channel).IsEmpty) AddToOutbox(channel, key, write.OutboxOf(channel));
            }
            if (!journal.Version.Exists)
            {
                lock (_stored)
                {
                    _stored.Add(key);
                }
            }

            journal.Version = version;
            return Task.FromResult(version);
        }
    }

    // Under the journal's lock: the row is there exactly when the write is.
    private void AddToOutbox(OutboxChannel channel, string key, ReadOnlyMemory<byte> record)
    {
        var rows = _outboxes[(int)channel][PartitionOf(key)];
        var id = OutboxRow.NewId(DateTimeOffset.UtcNow, Interlocked.Increment(ref _lastRow).ToString("D19", CultureInfo.InvariantCulture));
        lock (rows)
        {
            rows.Add(id, new OutboxRow(id, OutboxRow.TimeOf(id), [record.ToArray()]));
        }
    }

    /// <summary>Keys in ordinal order; the continuation is the last key of the page.</summary>
    /// <remarks>
    /// A page reads the sorted index of stored keys from the continuation on, so it costs its own size, not the
    /// store's (a back-fill lists a million customers a page at a time). A journal whose first write was refused never
    /// held anything and is not listed.
    /// </remarks>
    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        Task.FromResult(Page(prefix: "", continuation, pageSize, cancellationToken));

    /// <summary>Keys in ordinal order from the prefix (or from past the continuation) for as long as they start with it.</summary>
    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return Task.FromResult(Page(prefix, continuation, pageSize, cancellationToken));
    }

    private JournalKeyPage Page(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, JournalKeyPage.MaxSize);
        cancellationToken.ThrowIfCancellationRequested();

        var from = continuation is not null && string.CompareOrdinal(continuation, prefix) > 0 ? continuation : prefix;
        // One key past the page tells whether another page follows.
        var keys = new List<string>(pageSize + 1);
        lock (_stored)
        {
            if (_stored.Count > 0 && string.CompareOrdinal(from, _stored.Max) <= 0)
            {
                foreach (var key in _stored.GetViewBetween(from, _stored.Max!))
                {
                    if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
                    if (key == continuation) continue;
                    keys.Add(key);
                    if (keys.Count > pageSize) break;
                }
            }
        }

        if (keys.Count <= pageSize) return new JournalKeyPage(keys, null);
        keys.RemoveAt(pageSize);
        return new JournalKeyPage(keys, keys[^1]);
    }

    /// <summary>The outbox of a channel other than the archive's.</summary>
    private sealed class ChannelOutbox(MemoryJournalStorage storage, OutboxChannel channel) : IJournalOutbox
    {
        public int PartitionCount => storage.PartitionCount;

        public int PartitionOf(string key) => storage.PartitionOf(key);

        public Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(int partition, int max, CancellationToken cancellationToken = default) =>
            storage.ReadOldest(channel, partition, max);

        public Task DeleteAsync(int partition, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken = default) =>
            storage.Delete(channel, partition, rows);
    }

    private sealed class Journal
    {
        private byte[] _snapshot = [];
        private int _snapshotLength = -1;
        private byte[] _entries = [];
        private readonly int[] _entryEnds = new int[JournalVersion.MaxEntries];
        private int _entryCount;

        public JournalVersion Version { get; set; } = JournalVersion.None;

        public JournalRead Read()
        {
            var entries = new byte[_entryCount][];
            for (var i = 0; i < _entryCount; i++)
            {
                var start = i == 0 ? 0 : _entryEnds[i - 1];
                entries[i] = _entries[start.._entryEnds[i]];
            }

            return new JournalRead(Version, _snapshotLength < 0 ? null : _snapshot[.._snapshotLength], entries);
        }

        public void Clear()
        {
            (_snapshot, _snapshotLength, _entries, _entryCount) = ([], -1, [], 0);
            Version = JournalVersion.None;
        }

        public void ReplaceSnapshot(ReadOnlySpan<byte> payload)
        {
            if (payload.Length > _snapshot.Length) _snapshot = new byte[Grown(_snapshot.Length, payload.Length)];
            payload.CopyTo(_snapshot);
            _snapshotLength = payload.Length;
            _entryCount = 0;
        }

        public void Append(ReadOnlySpan<byte> payload)
        {
            // Version.After has refused an append past MaxEntries.
            var start = _entryCount == 0 ? 0 : _entryEnds[_entryCount - 1];
            if (start + payload.Length > _entries.Length)
            {
                var grown = new byte[Grown(_entries.Length, start + payload.Length)];
                _entries.AsSpan(0, start).CopyTo(grown);
                _entries = grown;
            }

            payload.CopyTo(_entries.AsSpan(start));
            _entryEnds[_entryCount++] = start + payload.Length;
        }

        private static int Grown(int capacity, int needed) => Math.Max(needed, Math.Min(capacity * 2, needed + needed / 2));
    }
}
