namespace ProfileGrid.Storage;

/// <summary>
/// A stored state that cannot be read back (a torn or foreign write, or a type the serializer no longer knows).
/// Unlike an unreachable table, retrying does not help: the row must be repaired or erased, so callers answer it as
/// a permanent failure. Stores and the grains that decode their payloads throw it. It is serializable so that it reaches a gateway in another process intact.
/// </summary>
[GenerateSerializer, Alias("pg.CorruptStateException")]
public sealed class CorruptStateException : Exception
{
    public CorruptStateException()
    {
    }

    public CorruptStateException(string message)
        : base(message)
    {
    }

    public CorruptStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether <paramref name="exception"/> or any exception inside it is a <see cref="CorruptStateException"/>.</summary>
    public static bool IsIn(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is CorruptStateException) return true;
        }

        return false;
    }
}
