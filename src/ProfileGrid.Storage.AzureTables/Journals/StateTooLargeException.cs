namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>A journal payload (snapshot or entry) serialized to more bytes than its table properties can hold.</summary>
public sealed class StateTooLargeException : InvalidOperationException
{
    public StateTooLargeException()
    {
    }

    public StateTooLargeException(string message)
        : base(message)
    {
    }

    public StateTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StateTooLargeException(int size, int maxSize)
        : base($"A journal payload is {size} bytes after serialization; an Azure table row holds at most {maxSize} bytes of it. Split the state or store large parts elsewhere.")
    {
        Size = size;
        MaxSize = maxSize;
    }

    public int Size { get; }

    public int MaxSize { get; }
}
