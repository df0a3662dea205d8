using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace ProfileGrid.Storage.Archive;

/// <summary>
/// A customer's archive data key: a random id (which archived records carry in clear, and which says nothing of the
/// customer) and 256 bits of AES key. The bytes are held inline, not in an array of their own: an activation keeps
/// its customer's key for every write, and an object of 64 B costs it less than an object and an array (96 B).
/// </summary>
public sealed class ArchiveKey
{
    public const int IdBytes = 16;
    public const int KeyBytes = 32;

    private readonly Bytes _bytes;

    public ArchiveKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != IdBytes + KeyBytes) throw new CorruptStateException($"An archive key is {IdBytes + KeyBytes} bytes, not {bytes.Length}.");
        bytes.CopyTo(_bytes);
    }

    public ArchiveKey(byte[] bytes)
        : this((ReadOnlySpan<byte>)(bytes ?? throw new ArgumentNullException(nameof(bytes))))
    {
    }

    public ReadOnlySpan<byte> Id => ((ReadOnlySpan<byte>)_bytes)[..IdBytes];

    public ReadOnlySpan<byte> Key => ((ReadOnlySpan<byte>)_bytes)[IdBytes..];

    /// <summary>The id as it appears in archived records (base64url, 22 characters).</summary>
    public string IdText => Base64Url(Id);

    /// <summary>Id and key, as stored.</summary>
    public byte[] ToBytes() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    public static ArchiveKey New()
    {
        Span<byte> bytes = stackalloc byte[IdBytes + KeyBytes];
        RandomNumberGenerator.Fill(bytes);
        return new ArchiveKey(bytes);
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    [InlineArray(IdBytes + KeyBytes)]
    private struct Bytes
    {
        private byte _first;
    }
}
