using System.Collections.Concurrent;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>A memory journal storage that records the key of every read, so that a test can see what a grain reads.</summary>
public sealed class ReadRecordingStorage : IJournalStorage
{
    private readonly MemoryJournalStorage _inner = new();
    private readonly ConcurrentQueue<string> _reads = new();

    /// <summary>The keys read since the last call, in order; and forgets them.</summary>
    public List<string> TakeReads()
    {
        var reads = new List<string>();
        while (_reads.TryDequeue(out var key)) reads.Add(key);
        return reads;
    }

    public Task<JournalRead> ReadAsync(string key)
    {
        _reads.Enqueue(key);
        return _inner.ReadAsync(key);
    }

    public Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write) => _inner.WriteAsync(key, expected, write);

    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        _inner.ListKeysAsync(continuation, pageSize, cancellationToken);

    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        _inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
}
