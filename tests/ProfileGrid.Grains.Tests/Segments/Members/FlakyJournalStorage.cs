using ProfileGrid.Storage;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>
/// Journal storage that fails one chosen write, as a store that goes away would: before the write reaches it, or
/// after it took effect (the caller cannot tell which). Counts reads and writes.
/// </summary>
internal sealed class FlakyJournalStorage(IJournalStorage inner) : IJournalStorage
{
    private int _failAt;
    private bool _failAfterApplying;

    public int Reads { get; private set; }

    public int Writes { get; private set; }

    /// <summary>Fails the <paramref name="number"/>th write from now (1: the next one).</summary>
    public void FailWrite(int number, bool afterApplying)
    {
        _failAt = Writes + number;
        _failAfterApplying = afterApplying;
    }

    public Task<JournalRead> ReadAsync(string key)
    {
        Reads++;
        return inner.ReadAsync(key);
    }

    public async Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
        if (++Writes != _failAt) return await inner.WriteAsync(key, expected, write);
        _failAt = 0;
        if (_failAfterApplying) await inner.WriteAsync(key, expected, write);
        throw new StorageUnavailableException($"The store did not answer write {Writes} ({key}) (test).", new IOException("test"));
    }

    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListKeysAsync(continuation, pageSize, cancellationToken);

    public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
        inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
}
