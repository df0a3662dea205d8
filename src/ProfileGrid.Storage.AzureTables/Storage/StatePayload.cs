using Azure.Data.Tables;

namespace ProfileGrid.Storage.AzureTables.Storage;

/// <summary>Spreads a serialized state over binary properties <c>Data</c>, <c>Data1</c>, … and joins it back.</summary>
internal static class StatePayload
{
    public const int ChunkSize = 64 * 1024;
    public const int MaxChunks = 15;
    public const int MaxSize = ChunkSize * MaxChunks;
    private const string BaseName = "Data";

    public static void Write(TableEntity entity, ReadOnlyMemory<byte> payload)
    {
        if (payload.Length > MaxSize)
        {
            throw new StateTooLargeException(payload.Length, MaxSize);
        }

        for (var index = 0; index * ChunkSize < payload.Length || index == 0; index++)
        {
            var start = index * ChunkSize;
            var chunk = payload.Slice(start, Math.Min(ChunkSize, payload.Length - start));
            entity[PropertyName(index)] = chunk.ToArray();
        }
    }

    /// <summary>The stored payload, or null for an empty (cleared) record.</summary>
    public static byte[]? Read(TableEntity entity)
    {
        if (entity.GetBinary(BaseName) is not { } first)
        {
            return null;
        }

        var chunks = new List<byte[]> { first };
        for (var index = 1; index < MaxChunks && entity.GetBinary(PropertyName(index)) is { } chunk; index++)
        {
            chunks.Add(chunk);
        }

        var payload = new byte[chunks.Sum(c => c.Length)];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(payload, offset);
            offset += chunk.Length;
        }

        return payload;
    }

    private static string PropertyName(int index) => index == 0 ? BaseName : $"{BaseName}{index}";
}
