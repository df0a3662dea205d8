namespace ProfileGrid.DemoProducer;

/// <summary>A made-up customer: who they are, and the cart they are filling right now.</summary>
internal sealed class SyntheticCustomer(string id, string name, string email, string plan, string city, bool emailConsent)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public string Email { get; } = email;
    public string Plan { get; } = plan;
    public string City { get; } = city;
    public bool EmailConsent { get; } = emailConsent;

    /// <summary>The items added to the cart since the last purchase or abandon.</summary>
    public List<CartItem> Cart { get; } = [];

    public decimal CartTotal => Cart.Sum(item => item.Price * item.Quantity);
}

internal sealed record CartItem(string Sku, string Name, decimal Price, int Quantity);
