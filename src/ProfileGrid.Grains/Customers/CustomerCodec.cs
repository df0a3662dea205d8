using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Orleans.Serialization;
using ProfileGrid.Storage;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace ProfileGrid.Customers;

/// <summary>
/// Turns journal payloads into bytes and back: Orleans' binary serializer, and for snapshots Zstandard on top (the
/// activity ring's repeated names and JSON compress well; idempotency digests do not). A leading format byte keeps
/// the choice readable: payloads that do not shrink are stored plain, and snapshots stored Brotli-compressed by
/// earlier versions still read. Values are serialized into a buffer the thread keeps, so the only array an encode
/// allocates is the payload it returns.
/// </summary>
/// <remarks>
/// Zstandard (ZstdSharp, a managed port of the reference library) replaced Brotli because snapshots are written often
/// and their compression was a seventh of the gateway's CPU under ingest (perf): at level 1 a typical customer's
/// state is smaller than Brotli quality 1 made it and compresses in less time, and a hot customer's, mostly
/// incompressible digests, in a tenth of Brotli quality 0's time (SnapshotCodecBenchmarks, benchmarks-micro.md).
/// </remarks>
internal sealed class CustomerCodec(Serializer serializer)
{
    private const byte Plain = 0;
    private const byte Brotli = 1;
    private const byte Zstd = 2;
    private const int ZstdLevel = 1;
    // A state this large is mostly idempotency digests (a hot customer's 10,000 take 80 KB), which no level
    // compresses; a negative (fast) level spends a third of level 1's time on them at the same size.
    private const int LargeRawBytes = 16 * 1024;
    private const int LargeZstdLevel = -1;
    // The per-thread buffer is kept up to this size; a larger one (a customer near its limits) is let go after use.
    private const int KeptBufferBytes = 512 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;
    [ThreadStatic] private static Compressor? _compressor;
    [ThreadStatic] private static Decompressor? _decompressor;
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

    /// <summary>
    /// A payload <see cref="Encode{T}"/> made uncompressed, as it would have made it compressed: the same bytes as
    /// encoding the value again with compression, without serializing it again.
    /// </summary>
    public static ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> payload) =>
        payload.Length > 0 && payload[0] == Plain && TryCompress(payload[1..]) is { } compressed ? compressed : payload;

    /// <exception cref="CorruptStateException">The payload does not read as <typeparamref name="T"/>.</exception>
    public T Decode<T>(byte[] payload, string key)
    {
        try
        {
            return payload[0] switch
            {
                Plain => serializer.Deserialize<T>(payload.AsMemory(1)),
                Zstd => serializer.Deserialize<T>(Decompress(payload, ZstdInflate)),
                Brotli => serializer.Deserialize<T>(Decompress(payload, BrotliInflate)),
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
        var compressor = _compressor ??= NewCompressor();
        compressor.Level = raw.Length > LargeRawBytes ? LargeZstdLevel : ZstdLevel;
        var buffer = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(raw.Length) + 5);
        try
        {
            var written = compressor.Wrap(raw, buffer.AsSpan(5));
            if (written + 5 >= raw.Length + 1) return null;
            buffer[0] = Zstd;
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), raw.Length);
            return buffer.AsSpan(0, written + 5).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Frames carry a checksum of their content (4 bytes), so a damaged snapshot is refused rather than read as
    // different values.
    private static Compressor NewCompressor()
    {
        var compressor = new Compressor(ZstdLevel);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return compressor;
    }

    private delegate bool Inflate(ReadOnlySpan<byte> compressed, Span<byte> raw, out int written);

    private static byte[] Decompress(byte[] payload, Inflate inflate)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(1));
        if (length is < 0 or > MaxRawBytes) throw new InvalidDataException($"The payload claims {length} bytes uncompressed.");
        var raw = new byte[length];
        if (!inflate(payload.AsSpan(5), raw, out var written) || written != raw.Length)
        {
            throw new InvalidDataException("The compressed payload is damaged.");
        }

        return raw;
    }

    // A damaged frame throws ZstdException, which Decode reports as corrupt state like any other failure to read.
    private static bool ZstdInflate(ReadOnlySpan<byte> compressed, Span<byte> raw, out int written) =>
        (_decompressor ??= new Decompressor()).TryUnwrap(compressed, raw, out written);

    private static bool BrotliInflate(ReadOnlySpan<byte> compressed, Span<byte> raw, out int written) =>
        BrotliDecoder.TryDecompress(compressed, raw, out written);
}
