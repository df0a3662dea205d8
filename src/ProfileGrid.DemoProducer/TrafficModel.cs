namespace ProfileGrid.DemoProducer;

/// <summary>
/// Decides who does what next: a few hot customers (cust-0001..cust-0005) get a quarter of all traffic, the rest share the remainder.
/// Each customer browses, fills a cart, then buys or walks away; emails go only to customers who consented.
/// </summary>
internal sealed class TrafficModel(IReadOnlyList<SyntheticCustomer> customers, Random random)
{
    private const int HotCustomers = 5;
    private const double HotShare = 0.25;

    public OutgoingEvent Next()
    {
        var customer = PickCustomer();
        var kind = customer.Cart.Count > 0
            ? Weighted.Pick(random, [("page_view", 40), ("cart_add", 20), ("purchase", 25), ("cart_abandon", 15)])
            : Weighted.Pick(random, [("page_view", 55), ("email_open", customer.EmailConsent ? 15 : 0), ("cart_add", 15), ("store_purchase", 8), ("support_call", 7)]);

        return kind switch
        {
            "cart_add" => CartAdd(customer),
            "purchase" => Purchase(customer),
            "cart_abandon" => CartAbandon(customer),
            "store_purchase" => StorePurchase(customer),
            "email_open" => OutgoingEvent.Create("email_open", customer, "email", null,
                new Dictionary<string, object> { ["campaign"] = Any(Catalogue.Campaigns) }),
            "support_call" => OutgoingEvent.Create("support_call", customer, "call_centre", null,
                new Dictionary<string, object> { ["reason"] = Any(Catalogue.CallReasons), ["durationSeconds"] = random.Next(60, 900), ["resolved"] = random.NextDouble() < 0.8 }),
            _ => OutgoingEvent.Create("page_view", customer, "web", null,
                new Dictionary<string, object> { ["path"] = Any(Catalogue.Pages) }),
        };
    }

    private SyntheticCustomer PickCustomer()
    {
        var hot = Math.Min(HotCustomers, customers.Count);
        return random.NextDouble() < HotShare || hot == customers.Count
            ? customers[random.Next(hot)]
            : customers[random.Next(hot, customers.Count)];
    }

    private OutgoingEvent CartAdd(SyntheticCustomer customer)
    {
        var item = Any(Catalogue.Products);
        customer.Cart.Add(item);
        return OutgoingEvent.Create("cart_add", customer, "web", item.Price * item.Quantity,
            new Dictionary<string, object> { ["sku"] = item.Sku, ["name"] = item.Name, ["qty"] = item.Quantity });
    }

    private OutgoingEvent Purchase(SyntheticCustomer customer)
    {
        var total = customer.CartTotal;
        var properties = new Dictionary<string, object> { ["orderId"] = OrderId(), ["items"] = customer.Cart.Count };
        customer.Cart.Clear();
        return OutgoingEvent.Create("purchase", customer, "web", total, properties);
    }

    private static OutgoingEvent CartAbandon(SyntheticCustomer customer)
    {
        var total = customer.CartTotal;
        var properties = new Dictionary<string, object> { ["items"] = customer.Cart.Count, ["skus"] = customer.Cart.Select(i => i.Sku).ToArray() };
        customer.Cart.Clear();
        return OutgoingEvent.Create("cart_abandon", customer, "web", total, properties);
    }

    private OutgoingEvent StorePurchase(SyntheticCustomer customer)
    {
        var item = Any(Catalogue.Products);
        return OutgoingEvent.Create("purchase", customer, "pos", item.Price * item.Quantity,
            new Dictionary<string, object> { ["orderId"] = OrderId(), ["items"] = 1, ["store"] = Any(Catalogue.Stores) });
    }

    private string OrderId() => $"ORD-{random.Next(100_000, 999_999)}";

    private T Any<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
