using System.Runtime.InteropServices;
using System.Text.Json;
using ProfileGrid.Events;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Turns one JSON event into a <see cref="PendingEvent"/>, or says which field breaks which rule. Unknown fields
/// are ignored so that producers can send more than the contract needs.
/// </summary>
internal static class EventReader
{
    /// <param name="missingId">The id of an event that has none (an import gives each line one), or null: the id is required.</param>
    public static bool TryRead(JsonElement element, int index, DateTimeOffset receivedAt, out PendingEvent pending, out string error, string? missingId = null)
    {
        pending = default;
        if (element.ValueKind != JsonValueKind.Object) return Fail("each event must be a JSON object", out error);

        if (!TryGetString(element, "id"u8, out var id) && missingId is not null && !element.TryGetProperty("id"u8, out _)) id = missingId;
        if (id.Length is 0 or > EventLimits.MaxIdLength || HasControl(id))
            return Fail($"id is required: a string of 1 to {EventLimits.MaxIdLength} characters", out error);

        if (!TryGetString(element, "type"u8, out var type) || !IsValidType(type))
            return Fail("type is required and must match [a-z0-9_.-]{1,64}", out error);

        string customerKey;
        var hasCustomer = element.TryGetProperty("customerId"u8, out var customerElement) && customerElement.ValueKind != JsonValueKind.Null;
        var hasAnonymous = element.TryGetProperty("anonymousId"u8, out var anonymousElement) && anonymousElement.ValueKind != JsonValueKind.Null;
        if (hasCustomer)
        {
            if (customerElement.ValueKind != JsonValueKind.String || !CustomerKeys.IsValidId(customerElement.GetString()))
                return Fail($"customerId must be {CustomerKeys.Rule}", out error);
            customerKey = customerElement.GetString()!;
        }
        else if (hasAnonymous)
        {
            if (anonymousElement.ValueKind != JsonValueKind.String || !CustomerKeys.IsValidId(anonymousElement.GetString()))
                return Fail($"anonymousId must be {CustomerKeys.Rule}", out error);
            customerKey = CustomerKeys.ForAnonymous(anonymousElement.GetString()!);
        }
        else
        {
            return Fail("customerId or anonymousId is required", out error);
        }

        var timestamp = receivedAt;
        if (element.TryGetProperty("timestamp"u8, out var timestampElement) && timestampElement.ValueKind != JsonValueKind.Null)
        {
            if (timestampElement.ValueKind != JsonValueKind.String || !timestampElement.TryGetDateTimeOffset(out timestamp)
                || timestamp < EventLimits.MinTimestamp)
                return Fail(EventLimits.TimestampRule, out error);
            if (timestamp > receivedAt + EventLimits.MaxFutureSkew) return Fail(EventLimits.FutureRule, out error);
        }

        decimal? value = null;
        if (element.TryGetProperty("value"u8, out var valueElement) && valueElement.ValueKind != JsonValueKind.Null)
        {
            if (valueElement.ValueKind != JsonValueKind.Number || !valueElement.TryGetDecimal(out var number)
                || !EventLimits.TryNormalizeValue(number, out var normalized))
                return Fail(EventLimits.ValueRule, out error);
            value = normalized;
        }

        string? channel = null;
        if (element.TryGetProperty("channel"u8, out var channelElement) && channelElement.ValueKind != JsonValueKind.Null)
        {
            channel = channelElement.ValueKind == JsonValueKind.String ? channelElement.GetString()! : "";
            if (channel.Length is 0 or > EventLimits.MaxChannelLength || HasControl(channel))
                return Fail($"channel must be a string of 1 to {EventLimits.MaxChannelLength} characters", out error);
        }

        string? properties = null;
        if (element.TryGetProperty("properties"u8, out var propertiesElement) && propertiesElement.ValueKind != JsonValueKind.Null)
        {
            if (propertiesElement.ValueKind != JsonValueKind.Object)
                return Fail("properties must be a JSON object", out error);
            if (JsonMarshal.GetRawUtf8Value(propertiesElement).Length > EventLimits.MaxPropertiesBytes)
                return Fail($"properties must be at most {EventLimits.MaxPropertiesBytes} bytes of JSON", out error);
            properties = propertiesElement.GetRawText();
        }

        pending = new PendingEvent(index, customerKey, new CustomerEvent(id, type, timestamp, value, channel, properties));
        error = "";
        return true;
    }

    public static bool IsValidType(ReadOnlySpan<char> type)
    {
        if (type.IsEmpty || type.Length > EventLimits.MaxTypeLength) return false;
        foreach (var c in type)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-')) return false;
        }

        return true;
    }

    // Names as UTF-8 literals: a name given as a string is transcoded to UTF-8 on every lookup.
    private static bool TryGetString(JsonElement element, ReadOnlySpan<byte> name, out string value)
    {
        value = "";
        if (!element.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.String) return false;
        value = property.GetString()!;
        return true;
    }

    private static bool HasControl(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c)) return true;
        }

        return false;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
