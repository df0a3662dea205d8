using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace ProfileGrid.Destinations;

/// <summary>
/// Writes deliveries as CloudEvents 1.0 in structured JSON mode (docs/destinations.md has the schema): <c>id</c> the
/// delivery's (also its <c>webhook-id</c>), <c>source</c> <see cref="Source"/>, <c>type</c> per kind
/// (<see cref="DeliveryTypes"/>), <c>subject</c> the customer id, <c>time</c> the write's, <c>data</c> a JSON object.
/// </summary>
public static class DeliveryEvents
{
    public const string ContentType = "application/cloudevents+json; charset=utf-8";
    public static readonly Uri Source = new("urn:profilegrid:customers");

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>
    /// A delivery id: <c>msg_</c> and 32 hex digits derived from what it is about (the destination, the customer, the
    /// write's seq and instant, its place in the write), so the same change always gets the same id, and a profile made
    /// again under an erased one's id (its seqs start again) gets new ones.
    /// </summary>
    public static string IdOf(string destination, string customerId, long seq, DateTimeOffset at, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{destination}\n{customerId}\n{seq}\n{at.UtcTicks}\n{index}")));
        return "msg_" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>The CloudEvent's JSON text; <paramref name="data"/> writes the members of the data object.</summary>
    public static string Write(string id, DeliveryKind kind, string customerId, DateTimeOffset time, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("customerId", customerId);
            data(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = id,
            Source = Source,
            Type = DeliveryTypes.Of(kind),
            Subject = customerId,
            Time = time,
            DataContentType = "application/json",
            Data = document.RootElement.Clone(),
        };
        return Encoding.UTF8.GetString(Formatter.EncodeStructuredModeMessage(cloudEvent, out _).Span);
    }
}
