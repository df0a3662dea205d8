using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProfileGrid.Gateway.Views;

/// <summary>JSON text that was validated on the way in and is written out as it is, without parsing it again.</summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Text);

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Text, skipInputValidation: true);
}
