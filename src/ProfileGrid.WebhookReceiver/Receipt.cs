using System.Text.Json;

namespace ProfileGrid.WebhookReceiver;

/// <summary>
/// A request in brief: its webhook id, the CloudEvent's <c>type</c> and <c>subject</c> (the customer id; null when the
/// body is not a CloudEvent), how it was answered, and when it arrived (UTC, the receiver's clock).
/// </summary>
public sealed record Receipt(string? Id, string? Type, string? Subject, int Status, DateTimeOffset ReceivedAt)
{
    public static Receipt Of(Received received)
    {
        var (type, subject) = (default(string), default(string));
        try
        {
            using var body = JsonDocument.Parse(received.Body);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                type = Text(body.RootElement, "type");
                subject = Text(body.RootElement, "subject");
            }
        }
        catch (JsonException)
        {
        }

        return new Receipt(received.Id, type, subject, received.Status, received.ReceivedAt);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
