namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// The rules for customer and anonymous ids and how they become grain keys. Ids are 1–128 printable ASCII
/// characters without white space or any of <c>/ \ # ? % :</c> (they appear in URLs and storage keys). A profile
/// known only by an anonymous id lives under the key <c>anon:{anonymousId}</c>.
/// </summary>
internal static class CustomerKeys
{
    public const int MaxLength = 128;
    public const string AnonymousPrefix = "anon:";

    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxLength) return false;
        foreach (var c in id)
        {
            if (c is <= ' ' or > '~' or '/' or '\\' or '#' or '?' or '%' or ':') return false;
        }

        return true;
    }

    /// <summary>A customer id or <c>anon:{anonymousId}</c>, as a route's <c>{id}</c> may name a profile.</summary>
    public static bool IsValidKey(string key) =>
        key.StartsWith(AnonymousPrefix, StringComparison.Ordinal) ? IsValidId(key.AsSpan(AnonymousPrefix.Length)) : IsValidId(key);

    public static string ForAnonymous(string anonymousId) => AnonymousPrefix + anonymousId;

    public const string Rule = "1 to 128 printable ASCII characters without spaces or / \\ # ? % :";
}
