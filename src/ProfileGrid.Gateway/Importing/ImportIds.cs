using System.Security.Cryptography;
using System.Text;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// An import's id: the first 26 characters of the base32 (RFC 4648, lower case) SHA-256 of the producer and the
/// file's content (or a blob's URL and ETag), 130 bits. The same file from the same producer is the same import.
/// </summary>
internal static class ImportIds
{
    public const int Length = 26;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>A hash that has taken the producer already; the content follows.</summary>
    public static IncrementalHash Begin(string producer)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(producer + "\n"));
        return hash;
    }

    public static string Finish(IncrementalHash hash) => Base32(hash.GetHashAndReset());

    public static string ForBlob(string producer, Uri url, string etag)
    {
        using var hash = Begin(producer);
        hash.AppendData(Encoding.UTF8.GetBytes($"{url.GetLeftPart(UriPartial.Path)}\n{etag}"));
        return Finish(hash);
    }

    public static bool IsValid(string id) => id.Length == Length && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));

    private static string Base32(byte[] digest)
    {
        var text = new StringBuilder(Length);
        int buffer = 0, bits = 0;
        foreach (var b in digest)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && text.Length < Length)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }

            if (text.Length == Length) break;
        }

        return text.ToString();
    }
}
