using System.Security.Cryptography;

namespace ProfileGrid.Storage.Archive;

/// <summary>
/// A customer's archive data key: a random id (which archived records carry in clear, and which says nothing of the
/// customer) and 256 bits of AES key. One array, since an activation keeps it for every write.
/// </summary>
public sealed class ArchiveKey
{
    public const int IdBytes = 16;
    public const int KeyBytes = 32;

    private readonly byte[] _bytes;

    public ArchiveKey(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length != IdBytes + KeyBytes) throw new CorruptStateException($"An archive key is {IdBytes + KeyBytes} bytes, not {bytes.Length}.");
        _bytes = bytes;
    }

    public ReadOnlySpan<byte> Id => _bytes.AsSpan(0, IdBytes);

    public ReadOnlySpan<byte> Key => _bytes.AsSpan(IdBytes);

    /// <summary>The id as it appears in archived records (base64url, 22 characters).</summary>
    public string IdText => Base64Url(Id);

    /// <summary>Id and key, as stored.</summary>
    public byte[] ToBytes() => [.. _bytes];

    public static ArchiveKey New() => new(RandomNumberGenerator.GetBytes(IdBytes + KeyBytes));

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
