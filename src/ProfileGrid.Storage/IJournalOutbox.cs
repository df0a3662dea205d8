namespace ProfileGrid.Storage;

/// <summary>
/// The records journal writes left in their outbox (<see cref="JournalWrite.Outbox"/>), stored atomically with the
/// writes that carry them, per storage partition, oldest first: a durable queue of what was stored, which a reader
/// takes in order and deletes once it has passed it on. A record stays until it is deleted, so a reader that stops
/// after passing a row on and before deleting it finds the same row again (the same <see cref="OutboxRow.Id"/>).
/// </summary>
public interface IJournalOutbox
{
    /// <summary>How many partitions the outbox is kept in: 0 to this count less one.</summary>
    int PartitionCount { get; }

    /// <summary>The partition a journal key's outbox records go to.</summary>
    int PartitionOf(string key);

    /// <summary>At most <paramref name="max"/> of the oldest rows of <paramref name="partition"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(int partition, int max, CancellationToken cancellationToken = default);

    /// <summary>Deletes rows read from <paramref name="partition"/>; a row already deleted is passed over.</summary>
    Task DeleteAsync(int partition, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken = default);
}
