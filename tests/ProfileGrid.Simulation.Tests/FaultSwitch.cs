using ProfileGrid.Storage;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// A switch that makes the writes of the journal storages it guards fail, as an unreachable store would: armed with
/// an allowance, it lets that many writes through and fails every one after, until it is disarmed, so that an
/// operation of several writes can fail half-way.
/// </summary>
public sealed class FaultSwitch
{
    private volatile bool _armed;
    private int _allowed;

    public void FailAfter(int allowed)
    {
        Volatile.Write(ref _allowed, allowed);
        _armed = true;
    }

    public void Disarm() => _armed = false;

    /// <summary>Whether the next write fails (it counts against the allowance).</summary>
    public bool Fails() => _armed && Interlocked.Decrement(ref _allowed) < 0;
}

/// <summary>Journal storage whose writes fail while its switch is on; reads and listings go through.</summary>
public sealed class FaultingJournalStorage(IJournalStorage inner, FaultSwitch faults) : IJournalStorage
{
    public Task<JournalRead> ReadAsync(string key) => inner.ReadAsync(key);

    public Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write) =>
        faults.Fails() ? throw new IOException("storage is unreachable (simulated fault)") : inner.WriteAsync(key, expected, write);

    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListKeysAsync(continuation, pageSize, cancellationToken);

    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
}
