using System.Globalization;

namespace ProfileGrid.Identity;

/// <summary>
/// An identifier of a customer other than its id, written <c>type:value</c>: <c>email:ann@example.com</c>,
/// <c>phone:+4512345678</c>. Values are normalized as their type defines, so that the ways people write them find
/// the same customer: an email is trimmed and lower-cased, and has none of <c>/ \ # ?</c> (Orleans' grain storage keys
/// turn them into <c>_</c>, and two addresses must not share the identifier index's row); a phone number keeps its
/// leading <c>+</c> and its digits (spaces, dashes, dots and parentheses go) and must be in international form.
/// <c>anon:</c> (an anonymous id, as producers send <c>anonymousId</c>), <c>device:</c> and <c>account:</c> values are
/// opaque and kept as sent: 1 to 128 printable ASCII characters without spaces or <c>/ \ # ? % :</c>.
/// </summary>
public sealed record Identifier(string Type, string Value)
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Anonymous = "anon";
    public const string Device = "device";
    public const string Account = "account";
    public static readonly IReadOnlyList<string> Types = [Email, Phone, Anonymous, Device, Account];
    public const int MaxOpaqueLength = 128;

    /// <summary>The traits whose values are identifiers of these types.</summary>
    public static readonly IReadOnlyDictionary<string, string> Traits = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["email"] = Email,
        ["phone"] = Phone,
    };

    /// <summary>
    /// The identifier a trait's value holds (the <c>email</c> and <c>phone</c> traits, <see cref="Traits"/>), or null when
    /// the trait is not one of those, is removed (<paramref name="json"/> null) or holds no valid identifier.
    /// </summary>
    public static Identifier? FromTrait(string trait, string? json)
    {
        if (json is null || !Traits.TryGetValue(trait, out var type)) return null;
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.String
            && TryCreate(type, document.RootElement.GetString()!, out var identifier, out _)
                ? identifier
                : null;
    }

    /// <summary><c>type:value</c>, the identifier's grain key.</summary>
    public string Key => $"{Type}:{Value}";

    public override string ToString() => Key;

    /// <summary>Reads <c>type:value</c>.</summary>
    public static bool TryParse(string text, out Identifier identifier, out string error)
    {
        identifier = null!;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return Fail($"an identifier is type:value, with a type of {string.Join(", ", Types)}", out error);
        return TryCreate(text[..colon], text[(colon + 1)..], out identifier, out error);
    }

    /// <summary>Normalizes <paramref name="value"/> as <paramref name="type"/> defines.</summary>
    public static bool TryCreate(string type, string value, out Identifier identifier, out string error)
    {
        identifier = null!;
        switch (type)
        {
            case Email:
                var email = value.Trim().ToLowerInvariant();
                var at = email.IndexOf('@', StringComparison.Ordinal);
                if (email.Length > 254 || at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(c => c is <= ' ' or '/' or '\\' or '#' or '?'))
                    return Fail("an email identifier is one address, e.g. email:ann@example.com", out error);
                identifier = new Identifier(Email, email);
                break;
            case Phone:
                var phone = string.Concat(value.Where(c => c is not (' ' or '-' or '.' or '(' or ')')));
                if (phone.Length < 8 || phone.Length > 16 || phone[0] != '+' || !phone.AsSpan(1).ContainsOnlyDigits())
                    return Fail("a phone identifier is an international number: + and 7 to 15 digits, e.g. phone:+4512345678", out error);
                identifier = new Identifier(Phone, phone);
                break;
            case Anonymous or Device or Account:
                if (value.Length is 0 or > MaxOpaqueLength || value.Any(c => c is <= ' ' or > '~' or '/' or '\\' or '#' or '?' or '%' or ':'))
                    return Fail(string.Create(CultureInfo.InvariantCulture, $"{type} identifiers are 1 to {MaxOpaqueLength} printable ASCII characters without spaces or / \\ # ? % :"), out error);
                identifier = new Identifier(type, value);
                break;
            default:
                return Fail(string.Create(CultureInfo.InvariantCulture, $"unknown identifier type '{type}': use {string.Join(", ", Types)}"), out error);
        }

        error = "";
        return true;
    }

    private static bool Fail(string reason, out string error)
    {
        error = reason;
        return false;
    }
}

file static class SpanDigits
{
    public static bool ContainsOnlyDigits(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9') return false;
        }

        return !text.IsEmpty;
    }
}
