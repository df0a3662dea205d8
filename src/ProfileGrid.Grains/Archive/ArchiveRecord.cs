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

    /// <summary>The NDJSON line (no line break) of <paramref name="plaintext"/> sealed under <paramref name="key"/>.</summary>
    public static byte[] Seal(ArchiveKey key, long seq, DateTimeOffset at, ReadOnlySpan<byte> plaintext)
    {
        var data = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = data.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Key, TagBytes))
        {
            aes.Encrypt(nonce, plaintext, data.AsSpan(NonceBytes, plaintext.Length), data.AsSpan(NonceBytes + plaintext.Length), Associated(key.Id, seq));
        }

        using var buffer = new MemoryStream(data.Length * 4 / 3 + 96);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("key", key.IdText);
            json.WriteNumber("seq", seq);
            json.WriteString("at", at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteBase64String("data", data);
            json.WriteEndObject();
        }

        return buffer.ToArray();
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
        aes.Decrypt(Data.AsSpan(0, NonceBytes), Data.AsSpan(NonceBytes, plaintext.Length), Data.AsSpan(Data.Length - TagBytes), plaintext, Associated(key.Id, Seq));
        return plaintext;
    }

    private static byte[] Associated(ReadOnlySpan<byte> keyId, long seq)
    {
        var associated = new byte[keyId.Length + sizeof(long)];
        keyId.CopyTo(associated);
        BinaryPrimitives.WriteInt64LittleEndian(associated.AsSpan(keyId.Length), seq);
        return associated;
    }
}
