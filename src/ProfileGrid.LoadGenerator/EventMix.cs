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
        var type = PickType(random);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("type", type);
        json.WriteString("customerId", customerId);
        json.WriteString("channel", type switch { "email_open" => "email", "support_call" => "call_centre", _ => random.Next(10) == 0 ? "pos" : "web" });
        if (type == "purchase") json.WriteNumber("value", random.Next(5, 300) + 0.99m);
        json.WriteStartObject("properties");
        switch (type)
        {
            case "page_view":
                json.WriteString("path", $"/products/{random.Next(5000)}");
                json.WriteString("referrer", random.Next(3) == 0 ? "search" : "direct");
                break;
            case "product_view":
                json.WriteString("sku", $"SKU-{random.Next(100_000):D6}");
                json.WriteString("category", Categories[random.Next(Categories.Length)]);
                break;
            case "email_open":
                json.WriteString("campaign", Campaigns[random.Next(Campaigns.Length)]);
                break;
            case "cart_add":
                json.WriteString("sku", $"SKU-{random.Next(100_000):D6}");
                json.WriteNumber("quantity", random.Next(1, 4));
                break;
            case "purchase":
                json.WriteString("orderId", $"o-{random.Next():x8}");
                json.WriteNumber("items", random.Next(1, 6));
                break;
            default:
                json.WriteString("reason", Reasons[random.Next(Reasons.Length)]);
                json.WriteNumber("durationSeconds", random.Next(30, 1200));
                break;
        }

        json.WriteEndObject();
        json.WriteEndObject();
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
