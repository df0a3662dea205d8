using Azure.Data.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Spreads a payload over binary properties <c>Data</c>, <c>Data1</c>, … (or another base name) and joins it back:
/// a binary property holds at most 64 KiB.
/// </summary>
internal static class StatePayload
{
    public const int ChunkSize = 64 * 1024;
    public const int MaxChunks = 15;
    public const int MaxSize = ChunkSize * MaxChunks;
    private const string BaseName = "Data";

    public static void Write(TableEntity entity, ReadOnlyMemory<byte> payload, string baseName = BaseName)
    {
        if (payload.Length > MaxSize)
        {
            throw new StateTooLargeException(payload.Length, MaxSize);
        }

        for (var index = 0; index * ChunkSize < payload.Length || index == 0; index++)
        {
            var start = index * ChunkSize;
            var chunk = payload.Slice(start, Math.Min(ChunkSize, payload.Length - start));
            entity[PropertyName(baseName, index)] = chunk.ToArray();
        }
    }

    /// <summary>The stored payload, or null for an empty (cleared) record.</summary>
    public static byte[]? Read(TableEntity entity, string baseName = BaseName)
    {
        if (entity.GetBinary(baseName) is not { } first)
        {
            return null;
        }

        var chunks = new List<byte[]> { first };
        for (var index = 1; index < MaxChunks && entity.GetBinary(PropertyName(baseName, index)) is { } chunk; index++)
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

    private static string PropertyName(string baseName, int index) => index == 0 ? baseName : $"{baseName}{index}";
}
