using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Journal storage shared by every silo of the test cluster (memory, copying what it stores), with a switch that
/// makes writes fail as an unreachable store would, a gate that holds writes back until the test opens it, so
/// that calls pile up behind a write in flight, and one that holds listings back (the segment sweep's pages).
/// </summary>
public sealed class FaultableJournalStorage : IJournalStorage
{
    private static readonly MemoryJournalStorage Inner = new();
    private static int _writeCount;
    private static int _readCount;
    private static volatile bool _failWrites;
    private static TaskCompletionSource? _gate;
    private static int _atGate;
    private static SemaphoreSlim? _listingGate;
    private static int _listingsAtGate;
    private static int _listingsHeld;

    public static bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    public static int WriteCount => Volatile.Read(ref _writeCount);

    public static int ReadCount => Volatile.Read(ref _readCount);

    /// <summary>The storage behind the switch and the gate, to store a customer as an earlier activation would have.</summary>
    public static IJournalStorage Shared => Inner;

    /// <summary>How many writes the closed gate holds back now.</summary>
    public static int WritesAtGate => Volatile.Read(ref _atGate);

    /// <summary>Holds every write back until <see cref="OpenGate"/>.</summary>
    public static void CloseGate() => Volatile.Write(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public static void OpenGate() => Interlocked.Exchange(ref _gate, null)?.SetResult();

    /// <summary>How many listings the listing gate holds back now.</summary>
    public static int ListingsAtGate => Volatile.Read(ref _listingsAtGate);

    /// <summary>How many listings the listing gate has held back, ever.</summary>
    public static int ListingsHeld => Volatile.Read(ref _listingsHeld);

    /// <summary>Holds every listing of keys back until <see cref="ReleaseListings"/> lets some through or <see cref="OpenListings"/> all.</summary>
    public static void HoldListings() => Volatile.Write(ref _listingGate, new SemaphoreSlim(0));

    public static void ReleaseListings(int count) => Volatile.Read(ref _listingGate)?.Release(count);

    public static void OpenListings() => Interlocked.Exchange(ref _listingGate, null)?.Release(1000);

    /// <summary>What is stored for a customer now, as its grain would read it.</summary>
    public static Task<JournalRead> StoredAsync(string customerId) => Inner.ReadAsync(customerId);

    public Task<JournalRead> ReadAsync(string key)
    {
        Interlocked.Increment(ref _readCount);
        return Inner.ReadAsync(key);
    }

    public async Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
        if (Volatile.Read(ref _gate) is { } gate)
        {
            Interlocked.Increment(ref _atGate);
            await gate.Task;
            Interlocked.Decrement(ref _atGate);
        }

        if (FailWrites) throw new IOException("storage is unreachable (test switch)");
        var version = await Inner.WriteAsync(key, expected, write);
        Interlocked.Increment(ref _writeCount);
        return version;
    }

    public async Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _listingGate) is { } gate)
        {
            Interlocked.Increment(ref _listingsAtGate);
            Interlocked.Increment(ref _listingsHeld);
            try
            {
                await gate.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _listingsAtGate);
            }
        }

        return await Inner.ListKeysAsync(continuation, pageSize, cancellationToken);
    }

    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        Inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
}
