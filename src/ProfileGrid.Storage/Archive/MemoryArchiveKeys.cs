using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ProfileGrid.Storage.Archive;

/// <summary>Archive keys in this process's memory, with the archive they open (<see cref="MemoryArchiveStore"/>).</summary>
public sealed class MemoryArchiveKeys : IArchiveKeys
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>The customers that have a key, for storage scans.</summary>
    public IReadOnlyCollection<string> Customers => [.. _keys.Keys];

    public Task<ArchiveKey> GetOrCreateAsync(string customer, bool likelyExists, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ArchiveKey([.. _keys.GetOrAdd(customer, static _ => ArchiveKey.New().ToBytes())]));

    public Task<ArchiveKey?> FindAsync(string customer, CancellationToken cancellationToken = default) =>
        Task.FromResult(_keys.TryGetValue(customer, out var bytes) ? new ArchiveKey([.. bytes]) : null);

    public Task DeleteAsync(string customer, CancellationToken cancellationToken = default)
    {
        _keys.TryRemove(customer, out _);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<CustomerKey> ListAsync(int partition, int partitionCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var (customer, bytes) in _keys.Where(pair => JournalPartitions.Of(pair.Key, partitionCount) == partition).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new CustomerKey(customer, new ArchiveKey([.. bytes]));
        }

        await Task.CompletedTask;
    }
}
