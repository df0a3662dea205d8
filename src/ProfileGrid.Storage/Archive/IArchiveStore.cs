namespace ProfileGrid.Storage.Archive;

/// <summary>
/// Where archived records go: named, immutable objects (Azure blobs in one container), each with a short tag. A name is
/// written once: creating one that exists changes nothing and gives back the tag it was created with, which makes a
/// retried archive step exactly-once.
/// </summary>
public interface IArchiveStore
{
    /// <summary>
    /// Stores <paramref name="content"/> with <paramref name="tag"/> under <paramref name="name"/> unless something is
    /// stored there; null when it stored it, else the tag of what was there.
    /// </summary>
    Task<string?> TryCreateAsync(string name, ReadOnlyMemory<byte> content, string tag, CancellationToken cancellationToken = default);

    /// <summary>The content stored under <paramref name="name"/>, or null.</summary>
    Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names that start with <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes what is stored under <paramref name="name"/>, if anything.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);
}
