using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Rules;

namespace ProfileGrid.Gateway.Views;

/// <summary>
/// Personal data in what agents see: the identity traits (name, email, phone, addresses...; see
/// <see cref="IdentityTraits"/>) are shown only to keys with the <c>pii</c> scope; other keys see them masked, keeping
/// only the first character (and for an email that it is one), e.g. <c>A•••</c> and <c>a•••@•••</c>, and see their
/// values in segment reasons as <c>"•••"</c>. Producers' event properties are shown as sent: they have no schema that
/// says what is personal.
/// </summary>
public static partial class PersonalData
{
    public const string Scope = "pii";
    private const string Hidden = "•••";

    /// <summary>A personal value in a reason, as a key without the scope sees it.</summary>
    private const string HiddenValue = "\"" + Hidden + "\"";

    public static bool MaySee(ClaimsPrincipal? user) => user is not null && user.HasClaim(AgentClaims.Scope, Scope);

    /// <summary>The view as <paramref name="user"/> may see it.</summary>
    public static ProfileView For(ClaimsPrincipal? user, ProfileView view) => MaySee(user) ? view : Masked(view);

    public static ProfileView Masked(ProfileView view)
    {
        if (view.Traits.Identity.Count == 0 && view.Merges is null) return view;
        var identity = new Dictionary<string, RawJson>(view.Traits.Identity.Count, StringComparer.Ordinal);
        foreach (var (name, value) in view.Traits.Identity) identity[name] = Mask(value);
        var segments = Array.ConvertAll(view.Segments, segment => segment with { Reasons = MaskReasons(segment.Reasons) });
        var merges = view.Merges is null ? null : Array.ConvertAll(view.Merges, merge => merge with { Identifiers = Array.ConvertAll(merge.Identifiers, MaskIdentifier) });
        return view with { Traits = view.Traits with { Identity = identity }, Segments = segments, Merges = merges };
    }

    /// <summary>An email or phone identifier keeps its type and first character (<c>email:a•••@•••</c>); opaque ids (anon, device, account) stay.</summary>
    public static string MaskIdentifier(string identifier)
    {
        var colon = identifier.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || identifier[..colon] is not (ProfileGrid.Identity.Identifier.Email or ProfileGrid.Identity.Identifier.Phone)) return identifier;
        var value = identifier[(colon + 1)..];
        return identifier[..(colon + 1)] + (value.Length == 0 ? Hidden : value[..1] + Hidden + (value.Contains('@', StringComparison.Ordinal) ? "@" + Hidden : ""));
    }

    /// <summary>
    /// A segment's reasons with the values of identity traits hidden (<c>trait.email = "•••"</c>): a rule over an
    /// email must not show the email to a key without the scope. Works on the reasons' fields (<see cref="OperandReason.Personal"/>).
    /// </summary>
    public static RuleReason[] MaskReasons(RuleReason[] reasons) =>
        Array.ConvertAll(reasons, reason => reason.Map(value => value.Personal ? value with { Value = HiddenValue } : value));

    /// <summary>
    /// The same for reasons that arrive as text: the hub's <c>segmentChanged</c>, whose <c>MembershipChange</c> carries
    /// reasons rendered by the silo. Until it carries <see cref="RuleReason"/>s, this finds trait values in the text.
    /// </summary>
    public static string[] MaskReasons(string[] reasons) =>
        Array.ConvertAll(reasons, reason => TraitValue().Replace(reason, match =>
            IdentityTraits.Contains(match.Groups["name"].Value) ? $"trait.{match.Groups["name"].Value} = {HiddenValue}" : match.Value));

    // A trait's value as RuleReason renders it: a JSON string, or a bare value up to the next ',' or ')'.
    [GeneratedRegex("""trait\.(?<name>[A-Za-z0-9_.-]+) = (?:"(?:[^"\\]|\\.)*"|[^,)]*)""")]
    private static partial Regex TraitValue();

    /// <summary>A string keeps its first character (and an email its '@'); any other value is hidden whole.</summary>
    public static RawJson Mask(RawJson value)
    {
        using var document = JsonDocument.Parse(value.Text);
        var masked = document.RootElement.ValueKind == JsonValueKind.String && document.RootElement.GetString() is { Length: > 0 } text
            ? string.Concat(text.AsSpan(0, char.IsSurrogate(text[0]) && text.Length > 1 ? 2 : 1), Hidden, text.Contains('@', StringComparison.Ordinal) ? "@" + Hidden : "")
            : Hidden;
        return new RawJson("\"" + JsonEncodedText.Encode(masked).ToString() + "\"");
    }
}
