using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace ProfileGrid.Storage.AzureTables.Tables;

/// <summary>
/// Turns any string into a legal PartitionKey/RowKey. The escaping is reversible, so two different
/// inputs never share a row; keys that would exceed 1 KiB keep a prefix plus a hash of the whole input.
/// </summary>
internal static class TableKey
{
    /// <summary>Never occurs in a key from <see cref="SanitizePrefix"/>, so a suffix after it cannot belong to another key.</summary>
    public const char Separator = '!';

    private const char Escape = '~';
    private const int MaxBytes = 1023;
    private const int HashSuffixChars = 33;

    public static string Sanitize(string value) => Sanitize(value, prefix: false, MaxBytes);

    /// <summary>
    /// Like <see cref="Sanitize(string)"/>, but the key never contains <see cref="Separator"/> (nor '%', which Azure
    /// has mishandled in keys addressed by URL) and leaves room for <see cref="Separator"/> and
    /// <paramref name="suffixChars"/> ASCII characters after it.
    /// </summary>
    public static string SanitizePrefix(string value, int suffixChars) =>
        Sanitize(value, prefix: true, MaxBytes - ((suffixChars + 1) * 2));

    private static string Sanitize(string value, bool prefix, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or Escape || char.IsControl(c) || (prefix && c is Separator or '%'))
            {
                builder.Append(Escape).Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        var key = builder.ToString();
        return Size(key) <= maxBytes ? key : Shorten(key, value, maxBytes);
    }

    // Azure counts key size in bytes; the larger of the UTF-8 and UTF-16 sizes is safe under either reading.
    private static int Size(string key) => Math.Max(Encoding.UTF8.GetByteCount(key), key.Length * 2);

    private static string Shorten(string key, string original, int maxBytes)
    {
        var hash = Convert.ToHexString(XxHash128.Hash(Encoding.UTF8.GetBytes(original)));
        var budget = maxBytes - (HashSuffixChars * 2);
        int length = 0, utf8 = 0;
        while (length < key.Length)
        {
            var c = key[length];
            var charBytes = char.IsSurrogate(c) ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (Math.Max(utf8 + charBytes, (length + 1) * 2) > budget)
            {
                break;
            }

            utf8 += charBytes;
            length++;
        }

        if (length > 0 && char.IsHighSurrogate(key[length - 1]))
        {
            length--;
        }

        return string.Concat(key.AsSpan(0, length), Escape.ToString(), hash);
    }
}
