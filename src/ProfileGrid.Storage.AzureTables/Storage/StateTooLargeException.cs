namespace ProfileGrid.Storage.AzureTables.Storage;

/// <summary>A grain state serialized to more bytes than one table row can hold.</summary>
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
        : base($"Grain state is {size} bytes after serialization; an Azure table row holds at most {maxSize} bytes. Split the state or store large parts elsewhere.")
    {
        Size = size;
        MaxSize = maxSize;
    }

    public int Size { get; }

    public int MaxSize { get; }
}
