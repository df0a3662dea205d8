using System.Buffers;
using System.Diagnostics.CodeAnalysis;
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
    private static readonly SearchValues<char> UpperHex = SearchValues.Create("0123456789ABCDEF");

    /// <summary>
    /// The key for <paramref name="value"/>: <c>/ \ # ?</c>, control characters, <c>~</c> (the escape),
    /// <see cref="Separator"/> and '%' (which Azure has mishandled in keys addressed by URL) become <c>~</c> and two hex
    /// digits, and it leaves room for <see cref="Separator"/> and <paramref name="suffixChars"/> ASCII characters after it.
    /// </summary>
    public static string SanitizePrefix(string value, int suffixChars) =>
        Sanitize(value, PrefixMaxBytes(suffixChars));

    /// <summary>
    /// The value <see cref="SanitizePrefix"/> turned into <paramref name="key"/>, by undoing its escapes; false when
    /// <paramref name="key"/> may have been shortened (the hash cannot be undone) or is not a key it makes.
    /// </summary>
    /// <remarks>
    /// A value whose escaped form takes at most <see cref="MaxWholeBytes"/> bytes is never shortened, so it always
    /// comes back: any value of up to a sixth of that many characters (an escape takes 3 characters, 6 bytes).
    /// </remarks>
    public static bool TryUnescapePrefix(string key, int suffixChars, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        value = null;
        if (MayBeShortened(key, PrefixMaxBytes(suffixChars))) return false;

        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] != Escape)
            {
                builder.Append(key[i]);
                continue;
            }

            if (i + 2 >= key.Length
                || !byte.TryParse(key.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                return false;
            }

            builder.Append((char)code);
            i += 2;
        }

        // Escaping it again must give the key back: this refuses needless escapes, lower-case hex and raw separators.
        var unescaped = builder.ToString();
        if (!string.Equals(SanitizePrefix(unescaped, suffixChars), key, StringComparison.Ordinal)) return false;
        value = unescaped;
        return true;
    }

    /// <summary>The most bytes (as Azure counts them) a key from <see cref="SanitizePrefix"/> can take and surely not have been shortened.</summary>
    public static int MaxWholeBytes(int suffixChars) => PrefixMaxBytes(suffixChars) - (HashSuffixChars * 2);

    private static int PrefixMaxBytes(int suffixChars) => MaxBytes - ((suffixChars + 1) * 2);

    // A shortened key ends in the escape and 32 upper-case hex digits, and is longer than the prefix it keeps.
    private static bool MayBeShortened(string key, int maxBytes) =>
        Size(key) > maxBytes - (HashSuffixChars * 2)
        && key.Length >= HashSuffixChars
        && key[^HashSuffixChars] == Escape
        && !key.AsSpan(key.Length - HashSuffixChars + 1).ContainsAnyExcept(UpperHex);

    private static string Sanitize(string value, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or Escape or Separator or '%' || char.IsControl(c))
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
