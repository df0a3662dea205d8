namespace ProfileGrid.Storage.Archive;

/// <summary>
/// The per-customer data keys the archive is encrypted under (crypto-shredding: deleting a customer's key makes every
/// record archived under it unreadable, wherever the copies are). One key per journal key, created once: a race to
/// create it reads back the winner, so every writer of a customer uses the same key.
/// </summary>
public interface IArchiveKeys
{
    /// <summary>The customer's key, created if it has none.</summary>
    /// <param name="customer">The journal key.</param>
    /// <param name="likelyExists">Read first (the customer was stored before); otherwise create first and read only if that finds one.</param>
    Task<ArchiveKey> GetOrCreateAsync(string customer, bool likelyExists, CancellationToken cancellationToken = default);

    /// <summary>The customer's key, or null if it has none (never had, or it was deleted).</summary>
    Task<ArchiveKey?> FindAsync(string customer, CancellationToken cancellationToken = default);

    /// <summary>Deletes the customer's key, if any: what was archived under it can no longer be read.</summary>
    Task DeleteAsync(string customer, CancellationToken cancellationToken = default);

    /// <summary>
    /// The customers that have a key, with their keys, whose journal partition (<see cref="JournalPartitions.Of"/> over
    /// <paramref name="partitionCount"/>) is <paramref name="partition"/>, in no particular order: what a replay of
    /// every customer rebuilds, partition by partition.
    /// </summary>
    IAsyncEnumerable<CustomerKey> ListAsync(int partition, int partitionCount, CancellationToken cancellationToken = default);
}
