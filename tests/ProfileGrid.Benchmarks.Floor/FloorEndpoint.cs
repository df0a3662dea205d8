using System.Text.Json;

namespace ProfileGrid.Benchmarks.Floor;

/// <summary>
/// Parses one event or <c>{"events":[...]}</c> with System.Text.Json, groups the events by <c>customerId</c>, makes
/// one grain call per distinct customer carrying its events, and answers 202 with the counts, as ProfileGrid does.
/// </summary>
internal static class FloorEndpoint
{
    public static async Task HandleAsync(HttpContext context, IGrainFactory grains)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = document.RootElement;
        var byCustomer = new Dictionary<string, List<FloorEvent>>(StringComparer.Ordinal);
        if (root.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray()) Add(byCustomer, item);
        }
        else
        {
            Add(byCustomer, root);
        }

        var calls = byCustomer.Select(pair => grains.GetGrain<IFloorCustomerGrain>(pair.Key).ApplyAsync([.. pair.Value]));
        var applied = (await Task.WhenAll(calls)).Sum();
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"accepted":{{applied}},"duplicates":0,"rejected":[]}""", context.RequestAborted);
    }

    private static void Add(Dictionary<string, List<FloorEvent>> byCustomer, JsonElement item)
    {
        var customer = item.GetProperty("customerId").GetString() ?? "";
        var value = item.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : (decimal?)null;
        var channel = item.TryGetProperty("channel", out var c) ? c.GetString() : null;
        var properties = item.TryGetProperty("properties", out var p) ? p.GetRawText() : null;
        var floorEvent = new FloorEvent(item.GetProperty("id").GetString() ?? "", item.GetProperty("type").GetString() ?? "", value, channel, properties);
        if (!byCustomer.TryGetValue(customer, out var events)) byCustomer[customer] = events = [];
        events.Add(floorEvent);
    }
}
