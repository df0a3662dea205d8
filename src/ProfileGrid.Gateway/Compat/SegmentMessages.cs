using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Compat;

/// <summary>One message of a Segment call, its position in the call, and its type if the route gives it.</summary>
public readonly record struct SegmentMessage(int Index, string? RouteType, JsonElement Element);

/// <summary>What a message asks for: an event to apply, or an identify (traits, linking, merging) to run.</summary>
internal abstract record SegmentAction(int Index, string MessageId);

internal sealed record EventAction(int Index, string MessageId, PendingEvent Event) : SegmentAction(Index, MessageId);

internal sealed record IdentifyAction(int Index, string MessageId, string CustomerId, Identifier? Anonymous, TraitPatch Patch) : SegmentAction(Index, MessageId);

/// <summary>An alias: <see cref="PreviousId"/> is whatever id the producer used for the customer before.</summary>
internal sealed record AliasAction(int Index, string MessageId, string CustomerId, string PreviousId) : SegmentAction(Index, MessageId);

/// <summary>
/// Reads Segment messages into ProfileGrid's actions, or says which field breaks which rule. The mapping:
/// <list type="bullet">
/// <item>the customer is <c>userId</c>, else the anonymous profile of <c>anonymousId</c>; <c>messageId</c> is the event id;</item>
/// <item><c>track</c>: the event type is <c>event</c> normalized (lower case, every run of other characters than
/// a-z, 0-9, '.' and '-' an '_', at most 64 characters: "Order Completed" is <c>order_completed</c>); the value is
/// <c>properties.revenue</c>, else <c>properties.value</c> (either, if given, a number: negative for a refund); the
/// properties are kept as sent;</item>
/// <item><c>page</c> and <c>screen</c>: <c>page_view</c> and <c>screen_view</c>, with <c>name</c> and <c>category</c> added to the properties;</item>
/// <item><c>identify</c>: the traits; with both <c>userId</c> and <c>anonymousId</c>, the anonymous profile is linked and merged in;</item>
/// <item><c>alias</c>: <c>previousId</c> is whatever id the producer used before: the profile of that user id is merged
/// into <c>userId</c> if one is known, otherwise the anonymous profile of that id is linked and merged in;</item>
/// <item><c>group</c>: the trait <c>groupId</c>;</item>
/// <item>the timestamp is <c>timestamp</c> moved by the clock skew <c>receivedAt - sentAt</c> (the message's or the batch's <c>sentAt</c>), as the spec does
/// (<see cref="ClockSkew"/>); a message it moves before 1970 or into the future is refused on its own;</item>
/// <item>the channel is the message's <c>channel</c> if it has one, else <c>segment</c>.</item>
/// </list>
/// </summary>
internal static class SegmentMessages
{
    public const string DefaultChannel = "segment";

    public const string SkewedTimestampRule = "timestamp, moved by the sender's clock skew (receivedAt - sentAt), must fall between 1970 and 5 minutes from now";

    public static DateTimeOffset? SentAt(JsonElement element) =>
        element.TryGetProperty("sentAt", out var sentAt) && sentAt.ValueKind == JsonValueKind.String && sentAt.TryGetDateTimeOffset(out var at) ? at : null;

    public static bool TryRead(SegmentMessage message, DateTimeOffset? batchSentAt, DateTimeOffset receivedAt, out SegmentAction? action, out string messageId, out string error)
    {
        (action, messageId, error) = (null, "", "");
        var element = message.Element;
        if (element.ValueKind != JsonValueKind.Object) return Fail("each message must be a JSON object", out error);
        if (JsonMarshal.GetRawUtf8Value(element).Length > SegmentApi.MaxMessageBytes) return Fail($"a message holds at most {SegmentApi.MaxMessageBytes / 1024} KiB", out error);
        var type = message.RouteType ?? Text(element, "type");
        if (type is null) return Fail("type is required in a batch: track, identify, page, screen, group or alias", out error);
        messageId = Text(element, "messageId") ?? "";
        if (messageId.Length is 0 or > EventLimits.MaxIdLength || messageId.Any(char.IsControl))
            return Fail($"messageId is required: a string of 1 to {EventLimits.MaxIdLength} characters (it makes retries apply once)", out error);

        var userId = Text(element, "userId");
        var anonymousId = Text(element, "anonymousId");
        if (userId is not null && !CustomerKeys.IsValidId(userId)) return Fail($"userId must be {CustomerKeys.Rule}", out error);
        if (anonymousId is not null && !CustomerKeys.IsValidId(anonymousId)) return Fail($"anonymousId must be {CustomerKeys.Rule}", out error);
        if (userId is null && anonymousId is null) return Fail("userId or anonymousId is required", out error);
        var customer = userId ?? CustomerKeys.ForAnonymous(anonymousId!);

        switch (type)
        {
            case "track":
                if (Text(element, "event") is not { } name || Normalize(name) is not { } eventType) return Fail("event is required: the name of the action, e.g. Order Completed", out error);
                return TryEvent(message.Index, messageId, customer, eventType, element, batchSentAt, receivedAt, extra: null, out action, out error);
            case "page" or "screen":
                var extra = new Dictionary<string, string?> { ["name"] = Text(element, "name"), ["category"] = Text(element, "category") };
                return TryEvent(message.Index, messageId, customer, type == "page" ? "page_view" : "screen_view", element, batchSentAt, receivedAt, extra, out action, out error);
            case "identify":
                var traits = element.TryGetProperty("traits", out var traitsElement) && traitsElement.ValueKind != JsonValueKind.Null ? traitsElement : Empty;
                if (traits.ValueKind != JsonValueKind.Object) return Fail("traits must be a JSON object", out error);
                if (!TraitReader.TryRead(traits, consent: null, out var patch, out error)) return false;
                var anonymous = userId is not null && anonymousId is not null ? new Identifier(Identifier.Anonymous, anonymousId) : null;
                action = new IdentifyAction(message.Index, messageId, customer, anonymous, patch);
                return true;
            case "alias":
                if (userId is null) return Fail("alias needs userId: the customer the previous id becomes", out error);
                if (Text(element, "previousId") is not { } previousId || !CustomerKeys.IsValidId(previousId)) return Fail($"previousId is required: {CustomerKeys.Rule}", out error);
                if (previousId == userId) return Fail("previousId and userId are the same", out error);
                action = new AliasAction(message.Index, messageId, userId, previousId);
                return true;
            case "group":
                if (Text(element, "groupId") is not { Length: > 0 and <= 256 } groupId) return Fail("groupId is required: a string of 1 to 256 characters", out error);
                action = new IdentifyAction(message.Index, messageId, customer, null,
                    new TraitPatch(new Dictionary<string, string?> { ["groupId"] = JsonValue.Create(groupId).ToJsonString() }, []));
                return true;
            default:
                return Fail($"unknown type '{type}': track, identify, page, screen, group or alias", out error);
        }
    }

    /// <summary>"Order Completed" → <c>order_completed</c>; null when nothing of the name is left.</summary>
    public static string? Normalize(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, EventLimits.MaxTypeLength));
        foreach (var c in name.ToLowerInvariant())
        {
            if (builder.Length == EventLimits.MaxTypeLength) break;
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-') builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != '_') builder.Append('_');
        }

        var type = builder.ToString().TrimEnd('_');
        return type.Length == 0 ? null : type;
    }

    private static bool TryEvent(
        int index, string messageId, string customer, string type, JsonElement element, DateTimeOffset? batchSentAt, DateTimeOffset receivedAt,
        Dictionary<string, string?>? extra, out SegmentAction? action, out string error)
    {
        action = null;
        var timestamp = receivedAt;
        var skewed = false;
        if (element.TryGetProperty("timestamp", out var timestampElement) && timestampElement.ValueKind != JsonValueKind.Null)
        {
            if (timestampElement.ValueKind != JsonValueKind.String || !timestampElement.TryGetDateTimeOffset(out timestamp)) return Fail(EventLimits.TimestampRule, out error);
            if ((SentAt(element) ?? batchSentAt) is { } sentAt)
            {
                skewed = true;
                if (!ClockSkew.TryCorrect(timestamp, sentAt, receivedAt, out timestamp)) return Fail(SkewedTimestampRule, out error);
            }
        }

        if (timestamp < EventLimits.MinTimestamp) return Fail(skewed ? SkewedTimestampRule : EventLimits.TimestampRule, out error);
        if (timestamp > receivedAt + EventLimits.MaxFutureSkew) return Fail(skewed ? SkewedTimestampRule : EventLimits.FutureRule, out error);

        JsonObject? properties = null;
        if (element.TryGetProperty("properties", out var propertiesElement) && propertiesElement.ValueKind != JsonValueKind.Null)
        {
            if (propertiesElement.ValueKind != JsonValueKind.Object) return Fail("properties must be a JSON object", out error);
            properties = JsonNode.Parse(propertiesElement.GetRawText())!.AsObject();
        }

        decimal? revenue = null, value = null;
        if (properties is not null
            && (!TryValue(propertiesElement, "revenue", out revenue, out error) || !TryValue(propertiesElement, "value", out value, out error)))
            return false;

        foreach (var (name, text) in extra ?? [])
        {
            if (text is not null && !(properties ??= []).ContainsKey(name)) properties[name] = text;
        }

        var json = properties?.ToJsonString();
        if (json is not null && Encoding.UTF8.GetByteCount(json) > EventLimits.MaxPropertiesBytes)
            return Fail($"properties must be at most {EventLimits.MaxPropertiesBytes} bytes of JSON", out error);
        var channel = Text(element, "channel") is { Length: > 0 and <= EventLimits.MaxChannelLength } given && !given.Any(char.IsControl) ? given : DefaultChannel;
        action = new EventAction(index, messageId, new PendingEvent(index, customer, new CustomerEvent(messageId, type, timestamp, revenue ?? value, channel, json)));
        error = "";
        return true;
    }

    private static readonly JsonElement Empty = JsonElement.Parse("{}");

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    /// <summary>
    /// <c>properties.{name}</c> as the spec types it: absent or null, or a number in the value's range. Anything else
    /// (<c>"49.50"</c> above all) refuses the message: counting it without its value would be silently wrong.
    /// </summary>
    private static bool TryValue(JsonElement properties, string name, out decimal? value, out string error)
    {
        (value, error) = (null, "");
        if (!properties.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null) return true;
        if (property.ValueKind != JsonValueKind.Number) return Fail($"properties.{name} must be a JSON number such as 49.5, not {Describe(property.ValueKind)}", out error);
        if (!property.TryGetDecimal(out var number) || !EventLimits.TryNormalizeValue(number, out var normalized)) return Fail($"properties.{name}: {EventLimits.ValueRule}", out error);
        value = normalized;
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
