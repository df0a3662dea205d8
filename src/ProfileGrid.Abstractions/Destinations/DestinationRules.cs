using System.Net;

namespace ProfileGrid.Destinations;

/// <summary>
/// What a destination definition must be, in one place: the gateway answers a broken rule with a problem that names the
/// field, the registry refuses it as well. Each check returns null or the problem as (field, what is wrong).
/// </summary>
public static class DestinationRules
{
    public const int MaxDestinations = 50;
    public const int MaxUrlLength = 2048;
    public const int MaxHeaders = 10;
    public const int MaxHeaderValueLength = 1024;
    public const int MaxNames = 50;
    public const int MaxPurposeLength = 64;
    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;
    public const string NameRule = "1 to 64 characters of a-z, 0-9, _ and -";

    // Set by the delivery itself, or by the HTTP stack: a destination's headers may not replace them.
    private static readonly string[] ReservedHeaders =
        ["content-type", "content-length", "host", "webhook-id", "webhook-timestamp", "webhook-signature", "transfer-encoding", "connection", "expect", "ce-id", "ce-type", "ce-source", "ce-specversion"];

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-');

    /// <summary>HTTPS anywhere; plain HTTP only to a loopback host (a receiver on the same machine, in development).</summary>
    public static (string Field, string Problem)? CheckUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return ("url", $"url is required: an absolute https:// URL of at most {MaxUrlLength} characters.");
        if (!string.IsNullOrEmpty(uri.UserInfo)) return ("url", "url must not hold credentials (user:password@): put them in headers.");
        if (!string.IsNullOrEmpty(uri.Fragment)) return ("url", "url must not have a fragment (#...).");
        if (IPAddress.TryParse(uri.DnsSafeHost, out var literal) && DestinationAddresses.Classify(literal) == AddressKind.Forbidden)
            return ("url", $"url's host {uri.Host} is not an address a webhook can be at (unspecified, link-local, multicast, reserved or the cloud platform's own).");
        if (uri.Scheme == Uri.UriSchemeHttps) return null;
        if (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)) return null;
        return ("url", uri.Scheme == Uri.UriSchemeHttp
            ? "url must use https://; plain http:// is allowed only for a loopback host (localhost, 127.0.0.1, [::1])."
            : "url must be an https:// URL.");
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and the base64 of 24 to 64 random bytes.</summary>
    public static (string Field, string Problem)? CheckSecret(string? secret) =>
        WebhookSecret.TryDecode(secret, out var key) && key.Length is >= MinSecretBytes and <= MaxSecretBytes
            ? null
            : ("secret", $"secret must be whsec_ followed by the base64 of {MinSecretBytes} to {MaxSecretBytes} random bytes (or left out: one is generated).");

    public static (string Field, string Problem)? CheckHeaders(IReadOnlyDictionary<string, string> headers)
    {
        if (headers.Count > MaxHeaders) return ("headers", $"headers holds at most {MaxHeaders} headers.");
        foreach (var (name, value) in headers)
        {
            if (name.Length is 0 or > 64 || !name.All(IsTokenChar))
                return ("headers", $"header name '{name}' is not an HTTP header name (1 to 64 letters, digits and !#$%&'*+-.^_`|~).");
            if (ReservedHeaders.Contains(name.ToLowerInvariant()))
                return ("headers", $"header '{name}' is set by the delivery itself and cannot be given.");
            if (value.Length > MaxHeaderValueLength || value.Any(c => c is < ' ' or > '~'))
                return ("headers", $"header '{name}' must have a value of at most {MaxHeaderValueLength} printable ASCII characters.");
        }

        return null;
    }

    public static (string Field, string Problem)? CheckFilter(DestinationFilter filter)
    {
        if (filter.Segments.Length > MaxNames) return ("filter.segments", $"filter.segments names at most {MaxNames} segments.");
        if (filter.Segments.FirstOrDefault(name => !IsValidName(name)) is { } segment)
            return ("filter.segments", $"filter.segments: '{segment}' is not a segment name ({NameRule}).");
        if (filter.Events.Length > MaxNames) return ("filter.events", $"filter.events names at most {MaxNames} event types.");
        if (filter.Events.FirstOrDefault(type => !IsValidEventType(type)) is { } type)
            return ("filter.events", $"filter.events: '{type}' is not an event type (1 to {Events.EventLimits.MaxTypeLength} characters of a-z, 0-9, _, . and -).");
        if (filter.Segments.Length == 0 && filter.Events.Length == 0 && !filter.Traits && !filter.Consent)
            return ("filter", "filter selects nothing: name segments or events, or set traits or consent to true.");
        return CheckWhen(filter);
    }

    /// <summary>A rule of the segment language, read by the parser segments use; it narrows the events, so it needs some.</summary>
    public static (string Field, string Problem)? CheckWhen(DestinationFilter filter)
    {
        if (filter.When is not { } when) return null;
        if (!Rules.RuleParser.TryParseCanonical(when, out _, out var error))
            return ("filter.when", $"filter.when is a rule of the segment language (docs/segments.md) and does not read: {error}.");
        if (filter.Events.Length == 0)
            return ("filter.when", "filter.when selects which events of the filter.events types are sent: name the event types in filter.events.");
        return null;
    }

    public static (string Field, string Problem)? CheckPurposes(string[] purposes)
    {
        if (purposes.Length > Customers.CustomerLimits.MaxConsentPurposes) return ("purposes", $"purposes names at most {Customers.CustomerLimits.MaxConsentPurposes} consent purposes.");
        if (purposes.FirstOrDefault(purpose => purpose.Length is 0 or > MaxPurposeLength || purpose.Any(char.IsControl)) is { } bad)
            return ("purposes", $"purposes: '{bad}' is not a consent purpose (1 to {MaxPurposeLength} printable characters).");
        return null;
    }

    /// <summary>Every rule at once, the first broken one.</summary>
    public static (string Field, string Problem)? Check(DestinationDefinition definition) =>
        (IsValidName(definition.Name) ? null : ((string Field, string Problem)?)("name", $"A destination name is {NameRule}."))
        ?? CheckUrl(definition.Url)
        ?? CheckSecret(definition.Secret)
        ?? CheckHeaders(definition.Headers)
        ?? CheckFilter(definition.Filter)
        ?? CheckPurposes(definition.Purposes);

    public static bool IsValidEventType(string? type) =>
        type is { Length: > 0 and <= Events.EventLimits.MaxTypeLength } && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
