using Orleans.Storage;
using System.Collections.Concurrent;
using System.Globalization;

namespace ProfileGrid.Storage;

/// <summary>
/// Journals in this process's memory, for development and tests: nothing survives a restart. Each write copies its
/// payload, as a store would, so a writer that reuses its buffer cannot change what is stored; a read hands out the
/// stored arrays themselves, which readers only decode.
/// </summary>
public sealed class MemoryJournalStorage : IJournalStorage
{
    private readonly ConcurrentDictionary<string, Journal> _journals = new(StringComparer.Ordinal);
    private long _lastTag;

    public Task<JournalRead> ReadAsync(string key)
    {
        if (!_journals.TryGetValue(key, out var journal)) return Task.FromResult(JournalRead.Empty);
        lock (journal)
        {
            return Task.FromResult(new JournalRead(journal.Version, journal.Snapshot, [.. journal.Entries]));
        }
    }

    public Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
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
            var payload = write.Payload.ToArray();
            if (write.Kind == JournalWriteKind.Snapshot)
            {
                journal.Snapshot = payload;
                journal.Entries.Clear();
            }
            else
            {
                journal.Entries.Add(payload);
            }

            journal.Version = version;
            return Task.FromResult(version);
        }
    }

    private sealed class Journal
    {
        public JournalVersion Version { get; set; } = JournalVersion.None;

        public byte[]? Snapshot { get; set; }

        public List<byte[]> Entries { get; } = [];
    }
}
