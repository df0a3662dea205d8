using System.Buffers;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ProfileGrid.Customers;

/// <summary>
/// What the activity ring keeps of an event's properties: the properties as sent when they fit in
/// <see cref="CustomerLimits.MaxActivityPropertiesBytes"/>, else the leading top-level properties that fit, plus
/// <c>"…omitted": n</c> naming how many were left out. The full event is pushed to watching agents when it is
/// applied; the ring is for the profile view, where a summary is what an agent reads.
/// </summary>
internal static class PropertySummary
{
    public const string OmittedName = "…omitted";

    // Room for the omitted count and the closing brace: `,"…omitted":1000}` is 19 bytes of UTF-8.
    private const int Reserve = 24;

    public static string? Of(string? properties)
    {
        if (properties is null || Encoding.UTF8.GetByteCount(properties) <= CustomerLimits.MaxActivityPropertiesBytes) return properties;
        try
        {
            using var document = JsonDocument.Parse(properties);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Summarize(document.RootElement) : null;
        }
        catch (JsonException)
        {
            // The gateway sends only validated JSON objects; anything else is dropped rather than stored.
            return null;
        }
    }

    private static string Summarize(JsonElement properties)
    {
        var summary = new ArrayBufferWriter<byte>(CustomerLimits.MaxActivityPropertiesBytes);
        summary.Write("{"u8);
        var omitted = 0;
        foreach (var property in properties.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(property);
            var value = JsonMarshal.GetRawUtf8Value(property.Value);
            var size = (summary.WrittenCount > 1 ? 1 : 0) + name.Length + 3 + value.Length;
            if (summary.WrittenCount + size > CustomerLimits.MaxActivityPropertiesBytes - Reserve)
            {
                omitted++;
                continue;
            }

            if (summary.WrittenCount > 1) summary.Write(","u8);
            summary.Write("\""u8);
            summary.Write(name);
            summary.Write("\":"u8);
            summary.Write(value);
        }

        var tail = $"{(summary.WrittenCount > 1 ? "," : "")}\"{OmittedName}\":{omitted}}}";
        return Encoding.UTF8.GetString(summary.WrittenSpan) + tail;
    }
}
