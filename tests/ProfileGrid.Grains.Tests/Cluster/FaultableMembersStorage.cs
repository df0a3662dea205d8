using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>The segment member sets' journal storage (memory) with a switch that makes every write fail, as an unreachable store would.</summary>
public sealed class FaultableMembersStorage : IJournalStorage
{
    private static readonly MemoryJournalStorage Inner = new();
    private static volatile bool _failWrites;

    public static bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    public Task<JournalRead> ReadAsync(string key) => Inner.ReadAsync(key);

    public Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write) =>
        FailWrites ? throw new IOException("segment member storage is unreachable (test switch)") : Inner.WriteAsync(key, expected, write);

    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        Inner.ListKeysAsync(continuation, pageSize, cancellationToken);

    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        Inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
}
