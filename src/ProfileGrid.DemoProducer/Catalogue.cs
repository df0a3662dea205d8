namespace ProfileGrid.DemoProducer;

/// <summary>What the demo shop sells, the pages people browse and the campaigns it mails.</summary>
internal static class Catalogue
{
    public static readonly CartItem[] Products =
    [
        new("GR-220", "Gravel bike Terra 2", 1249.00m, 1),
        new("HL-014", "Commuter helmet", 59.99m, 1),
        new("LK-330", "D-lock, gold rated", 44.50m, 1),
        new("LT-102", "USB light set", 29.95m, 1),
        new("TB-700", "Tubeless tyre 700x40", 39.00m, 2),
        new("JK-051", "Rain jacket", 119.00m, 1),
        new("BT-018", "Bottle cage", 9.99m, 2),
        new("SV-001", "Annual service", 89.00m, 1),
    ];

    public static readonly string[] Pages =
        ["/", "/bikes/gravel", "/bikes/city", "/accessories/helmets", "/accessories/locks", "/clothing", "/sale", "/account/orders", "/help/returns"];

    public static readonly string[] Campaigns = ["autumn-sale", "back-in-stock", "service-reminder", "newsletter-47"];

    public static readonly string[] Stores = ["Leeds Briggate", "London Shoreditch", "Bristol Harbourside", "Manchester Piccadilly"];

    public static readonly string[] CallReasons = ["delivery", "returns", "billing", "product question", "warranty"];
}
