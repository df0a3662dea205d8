using System.Buffers.Binary;

namespace ProfileGrid.Storage;

/// <summary>Packs the records of one outbox row into one payload (each a 4-byte length, then its bytes) and back.</summary>
public static class OutboxRecords
{
    public static int PackedSize(int recordBytes) => recordBytes + sizeof(int);

    public static byte[] Pack(IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        var packed = new byte[records.Sum(record => PackedSize(record.Length))];
        var offset = 0;
        foreach (var record in records)
        {
            BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(offset), record.Length);
            record.Span.CopyTo(packed.AsSpan(offset + sizeof(int)));
            offset += PackedSize(record.Length);
        }

        return packed;
    }

    /// <exception cref="CorruptStateException">The payload is not records packed by <see cref="Pack"/>.</exception>
    public static List<byte[]> Unpack(ReadOnlySpan<byte> packed)
    {
        var records = new List<byte[]>();
        while (packed.Length > 0)
        {
            var length = packed.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(packed) : -1;
            if (length < 0 || length > packed.Length - sizeof(int)) throw new CorruptStateException($"An outbox row's records do not read back: a record claims {length} bytes of the {packed.Length} left.");
            records.Add(packed.Slice(sizeof(int), length).ToArray());
            packed = packed[(sizeof(int) + length)..];
        }

        return records;
    }
}
