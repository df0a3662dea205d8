using System.Text.Json;

namespace ProfileGrid.LoadGenerator;

/// <summary>
/// A realistic mix of customer events with small properties: mostly page and product views, some email opens and
/// cart adds, few purchases (with a value) and support calls.
/// </summary>
public static class EventMix
{
    private static readonly (string Type, int Weight)[] Types =
        [("page_view", 50), ("product_view", 22), ("email_open", 12), ("cart_add", 9), ("purchase", 4), ("support_call", 3)];

    private static readonly string[] Categories = ["shoes", "outdoor", "kitchen", "books", "toys", "garden"];
    private static readonly string[] Campaigns = ["welcome", "winter-sale", "newsletter-47", "back-in-stock"];
    private static readonly string[] Reasons = ["delivery", "refund", "sizing", "billing"];
    private static readonly int TotalWeight = Types.Sum(t => t.Weight);

    /// <summary>Writes one event object: unique <paramref name="id"/>, a type from the mix, and its properties.</summary>
    public static void Write(Utf8JsonWriter json, Random random, string id, string customerId)
    {
        var mixed = Next(random);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("type", mixed.Type);
        json.WriteString("customerId", customerId);
        json.WriteString("channel", mixed.Channel);
        if (mixed.Value is { } value) json.WriteNumber("value", value);
        json.WriteStartObject("properties");
        foreach (var property in mixed.Properties)
        {
            if (property.Text is { } text) json.WriteString(property.Name, text);
            else json.WriteNumber(property.Name, property.Number);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>One event of the mix: its type, channel, value (purchases) and properties (strings and whole numbers).</summary>
    public static MixedEvent Next(Random random)
    {
        var type = PickType(random);
        var channel = type switch { "email_open" => "email", "support_call" => "call_centre", _ => random.Next(10) == 0 ? "pos" : "web" };
        decimal? value = type == "purchase" ? random.Next(5, 300) + 0.99m : null;
        MixedProperty[] properties = type switch
        {
            "page_view" => [new("path", $"/products/{random.Next(5000)}"), new("referrer", random.Next(3) == 0 ? "search" : "direct")],
            "product_view" => [new("sku", $"SKU-{random.Next(100_000):D6}"), new("category", Categories[random.Next(Categories.Length)])],
            "email_open" => [new("campaign", Campaigns[random.Next(Campaigns.Length)])],
            "cart_add" => [new("sku", $"SKU-{random.Next(100_000):D6}"), new("quantity", null, random.Next(1, 4))],
            "purchase" => [new("orderId", $"o-{random.Next():x8}"), new("items", null, random.Next(1, 6))],
            _ => [new("reason", Reasons[random.Next(Reasons.Length)]), new("durationSeconds", null, random.Next(30, 1200))],
        };
        return new MixedEvent(type, channel, value, properties);
    }

    private static string PickType(Random random)
    {
        var pick = random.Next(TotalWeight);
        foreach (var (type, weight) in Types)
        {
            if (pick < weight) return type;
            pick -= weight;
        }

        return Types[0].Type;
    }
}

/// <summary>An event the mix picked, before it is given an id and a customer.</summary>
public sealed record MixedEvent(string Type, string Channel, decimal? Value, MixedProperty[] Properties);

/// <summary>A property of a mixed event: a text, or (when <see cref="Text"/> is null) a whole number; no boxing on the load generator's hot path.</summary>
public readonly record struct MixedProperty(string Name, string? Text, int Number = 0);
