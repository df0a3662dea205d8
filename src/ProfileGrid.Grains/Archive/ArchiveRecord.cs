using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Archive;

/// <summary>
/// One archived customer write, as a line of the archive's NDJSON: <c>{"key":…,"seq":…,"at":…,"data":…}</c>, where
/// <c>key</c> is the customer's archive key id (random: nothing in clear says whose record it is), <c>seq</c> and
/// <c>at</c> the write's seq and time, and <c>data</c> the write's journal entry (as the journal codec encodes it,
/// compressed) sealed with AES-256-GCM under the customer's key: base64 of nonce (12 bytes), ciphertext and tag
/// (16 bytes), the key id and seq bound in as associated data, so a record cannot be passed off as another's.
/// </summary>
/// <param name="KeyId">The archive key id, base64url.</param>
public sealed record ArchiveRecord(string KeyId, long Seq, DateTimeOffset At, byte[] Data)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    // The thread's line buffer is kept up to this size; a larger one (a write near the outbox bound) is let go after use.
    private const int KeptLineBytes = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? _line;
    [ThreadStatic] private static Utf8JsonWriter? _writer;

    /// <summary>The NDJSON line (no line break) of <paramref name="plaintext"/> sealed under <paramref name="key"/>.</summary>
    /// <remarks>
    /// Every write of an archived customer seals one: the ciphertext and the line are built in buffers the thread keeps
    /// (and the associated data on the stack), so the only array a seal allocates is the line it returns.
    /// </remarks>
    public static byte[] Seal(ArchiveKey key, long seq, DateTimeOffset at, ReadOnlySpan<byte> plaintext)
    {
        var sealedBytes = NonceBytes + plaintext.Length + TagBytes;
        var data = ArrayPool<byte>.Shared.Rent(sealedBytes);
        var line = _line ?? new ArrayBufferWriter<byte>(1024);
        _line = null;
        try
        {
            var nonce = data.AsSpan(0, NonceBytes);
            RandomNumberGenerator.Fill(nonce);
            Span<byte> associated = stackalloc byte[ArchiveKey.IdBytes + sizeof(long)];
            using (var aes = new AesGcm(key.Key, TagBytes))
            {
                aes.Encrypt(nonce, plaintext, data.AsSpan(NonceBytes, plaintext.Length), data.AsSpan(NonceBytes + plaintext.Length, TagBytes), Associated(key.Id, seq, associated));
            }

            Span<char> keyId = stackalloc char[32];
            var keyIdChars = System.Buffers.Text.Base64Url.EncodeToChars(key.Id, keyId);
            Span<char> time = stackalloc char[40];
            if (!at.UtcDateTime.TryFormat(time, out var timeChars, "O", CultureInfo.InvariantCulture)) throw new InvalidOperationException("An instant did not format.");
            var json = _writer ??= new Utf8JsonWriter(line);
            json.Reset(line);
            json.WriteStartObject();
            json.WriteString("key", keyId[..keyIdChars]);
            json.WriteNumber("seq", seq);
            json.WriteString("at", time[..timeChars]);
            json.WriteBase64String("data", data.AsSpan(0, sealedBytes));
            json.WriteEndObject();
            json.Flush();
            return line.WrittenSpan.ToArray();
        }
        finally
        {
            line.ResetWrittenCount();
            // The writer refers to the buffer: both are kept, or neither.
            if (line.Capacity <= KeptLineBytes) _line = line;
            else _writer = null;
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>Reads one NDJSON line.</summary>
    /// <exception cref="FormatException">The line is not an archive record.</exception>
    public static ArchiveRecord Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            return new ArchiveRecord(
                root.GetProperty("key").GetString() ?? throw new FormatException("The record has no key id."),
                root.GetProperty("seq").GetInt64(),
                DateTimeOffset.Parse(root.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("data").GetBytesFromBase64());
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("A line of the archive is not a record.", exception);
        }
    }

    /// <summary>The plaintext, if <paramref name="key"/> is the record's key.</summary>
    /// <exception cref="CryptographicException">The key is not the record's, or the record was changed.</exception>
    public byte[] Open(ArchiveKey key)
    {
        if (key.IdText != KeyId) throw new CryptographicException($"The record is sealed under key '{KeyId}', not '{key.IdText}'.");
        if (Data.Length < NonceBytes + TagBytes) throw new CryptographicException("The record's data is too short.");
        var plaintext = new byte[Data.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key.Key, TagBytes);
        Span<byte> associated = stackalloc byte[ArchiveKey.IdBytes + sizeof(long)];
        aes.Decrypt(Data.AsSpan(0, NonceBytes), Data.AsSpan(NonceBytes, plaintext.Length), Data.AsSpan(Data.Length - TagBytes), plaintext, Associated(key.Id, Seq, associated));
        return plaintext;
    }

    private static ReadOnlySpan<byte> Associated(ReadOnlySpan<byte> keyId, long seq, Span<byte> associated)
    {
        keyId.CopyTo(associated);
        BinaryPrimitives.WriteInt64LittleEndian(associated[keyId.Length..], seq);
        return associated[..(keyId.Length + sizeof(long))];
    }
}
