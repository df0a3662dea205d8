using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Orleans.Serialization;
using ProfileGrid.Storage;

namespace ProfileGrid.Customers;

/// <summary>
/// Turns journal payloads into bytes and back: Orleans' binary serializer, and for snapshots Brotli on top (the
/// activity ring's repeated names and JSON compress well; idempotency digests do not). A leading format byte keeps
/// the choice readable: payloads that do not shrink are stored plain. Values are serialized into a buffer the
/// thread keeps, so the only array an encode allocates is the payload it returns.
/// </summary>
internal sealed class CustomerCodec(Serializer serializer)
{
    private const byte Plain = 0;
    private const byte Brotli = 1;
    // Quality 1 with a 64 KiB window: measured on a typical customer's 3.7 KB state, 1,690 bytes in about 30 µs,
    // where quality 2 gives 1,631 bytes in about 80 µs; snapshots are written often, so speed wins.
    private const int BrotliQuality = 1;
    private const int BrotliWindow = 16;
    // A state this large is mostly idempotency digests (a hot customer's 10,000 take 80 KB), which no quality
    // compresses; quality 0 spends a fraction of quality 1's time on them (benchmarks-micro.md, JournalWriteBenchmarks).
    private const int LargeRawBytes = 16 * 1024;
    private const int LargeBrotliQuality = 0;
    // The per-thread buffer is kept up to this size; a larger one (a customer near its limits) is let go after use.
    private const int KeptBufferBytes = 512 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    // Far above the largest state the customer limits allow (about 320 KB serialized, StateSizeTests): a damaged
    // length header is refused before it is allocated.
    private const int MaxRawBytes = 16 * 1024 * 1024;

    public byte[] Encode<T>(T value, bool compress)
    {
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(4096);
        _buffer = null;
        try
        {
            serializer.Serialize(value, buffer);
            var raw = buffer.WrittenSpan;
            if (compress && TryCompress(raw) is { } compressed) return compressed;
            var payload = new byte[raw.Length + 1];
            payload[0] = Plain;
            raw.CopyTo(payload.AsSpan(1));
            return payload;
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= KeptBufferBytes) _buffer = buffer;
        }
    }

    /// <exception cref="CorruptStateException">The payload does not read as <typeparamref name="T"/>.</exception>
    public T Decode<T>(byte[] payload, string key)
    {
        try
        {
            return payload[0] switch
            {
                Plain => serializer.Deserialize<T>(payload.AsMemory(1)),
                Brotli => serializer.Deserialize<T>(Decompress(payload)),
                var format => throw new InvalidDataException($"Unknown payload format {format}."),
            } ?? throw new InvalidDataException("The payload reads as null.");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new CorruptStateException(
                $"Stored {typeof(T).Name} of customer '{key}' ({payload.Length} bytes) does not read back; repair or erase it.", exception);
        }
    }

    private static byte[]? TryCompress(ReadOnlySpan<byte> raw)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(raw.Length) + 5);
        try
        {
            var quality = raw.Length > LargeRawBytes ? LargeBrotliQuality : BrotliQuality;
            if (!BrotliEncoder.TryCompress(raw, buffer.AsSpan(5), out var written, quality, BrotliWindow) || written + 5 >= raw.Length + 1)
            {
                return null;
            }

            buffer[0] = Brotli;
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), raw.Length);
            return buffer.AsSpan(0, written + 5).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Decompress(byte[] payload)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(1));
        if (length is < 0 or > MaxRawBytes) throw new InvalidDataException($"The payload claims {length} bytes uncompressed.");
        var raw = new byte[length];
        if (!BrotliDecoder.TryDecompress(payload.AsSpan(5), raw, out var written) || written != raw.Length)
        {
            throw new InvalidDataException("The compressed payload is damaged.");
        }

        return raw;
    }
}
