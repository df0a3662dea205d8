namespace ProfileGrid.Storage;

/// <summary>
/// The store could not be reached, was busy, or did not answer in time. Retrying later can succeed; whether a write
/// that failed this way took effect is unknown, so the writer reads the journal again before its next write. It is
/// serializable so that it reaches a gateway in another process intact.
/// </summary>
[GenerateSerializer, Alias("pg.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
