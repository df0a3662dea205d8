using System.Collections.Concurrent;
using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// A memory journal storage that records the key of every read, so that a test can see what a grain reads, and can
/// hold the writes of one key until the test lets them go, as a slow store would.
/// </summary>
public sealed class RecordingStorage : IJournalStorage
{
    private readonly MemoryJournalStorage _inner = new();
    private readonly ConcurrentQueue<string> _reads = new();
    private volatile HeldWrites? _held;

    /// <summary>The keys read since the last call, in order; and forgets them.</summary>
    public List<string> TakeReads()
    {
        var reads = new List<string>();
        while (_reads.TryDequeue(out var key)) reads.Add(key);
        return reads;
    }

    /// <summary>Writes to <paramref name="key"/> wait from now until the returned writes are let go.</summary>
    public HeldWrites HoldWritesTo(string key) => HoldWrites(written => written == key);

    /// <summary>Writes to the keys <paramref name="which"/> picks wait from now until the returned writes are let go.</summary>
    public HeldWrites HoldWrites(Func<string, bool> which) => _held = new HeldWrites(which, () => _held = null);

    public Task<JournalRead> ReadAsync(string key)
    {
        _reads.Enqueue(key);
        return _inner.ReadAsync(key);
    }

    public async Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
        if (_held is { } held && held.Holds(key))
        {
            held.Waiting.TrySetResult();
            await held.Released.Task;
        }

        return await _inner.WriteAsync(key, expected, write);
    }

    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        _inner.ListKeysAsync(continuation, pageSize, cancellationToken);

    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        _inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);

    public sealed class HeldWrites(Func<string, bool> which, Action forget)
    {
        public bool Holds(string key) => which(key);

        /// <summary>Completes when a write to the key is waiting.</summary>
        public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets the waiting writes and every later one go.</summary>
        public void Release()
        {
            forget();
            Released.TrySetResult();
        }
    }
}
