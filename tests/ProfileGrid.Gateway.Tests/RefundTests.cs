using System.Net;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A purchase with a negative value is a refund: it is accepted, counted and netted, and the customer stays readable,
/// checkable and erasable (a refund used to make value scoring throw, so that every read, check and erasure of the
/// customer answered 500 for good).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RefundTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_refund_nets_the_customers_value_and_the_profile_stays_readable_checkable_and_erasable()
    {
        var customer = NewCustomerId();
        var segment = $"refund-{Guid.NewGuid():N}"[..30];
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}", Json("""{"rule":"clv >= 0"}""")), HttpStatusCode.OK);

        var bought = await Post(customer, "r1", 40m);
        var refunded = await Post(customer, "r2", -55.5m);
        var profile = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        var check = await ApiAssert.Json(await gateway.As(AgentKey).PostAsync($"/v1/segments/{segment}/check",
            Json(new JsonObject { ["customerIds"] = new JsonArray(customer, NewCustomerId()) }.ToJsonString())), HttpStatusCode.OK);
        var export = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.OK);

        Assert.Equal(1, (int)bought["accepted"]!);
        Assert.Equal(1, (int)refunded["accepted"]!);
        Assert.Equal(2, (int)profile["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(-15.5m, (decimal)profile["counters"]!["purchase"]!["total"]!["sum"]!);
        Assert.Equal((0m, 0m, "prospect", 1), ((decimal)profile["value"]!["clv"]!["historic"]!, (decimal)profile["value"]!["clv"]!["predicted"]!,
            (string?)profile["value"]!["tier"], (int)profile["value"]!["rfm"]!["monetary"]!));
        Assert.Equal([customer], check["members"]!.AsArray().Select(node => (string)node!));
        Assert.Equal(customer, (string?)export["profile"]!["customerId"]);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.NotFound);
    }

    private async Task<JsonNode> Post(string customer, string id, decimal value) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject
        {
            ["id"] = id, ["type"] = "purchase", ["customerId"] = customer, ["value"] = value,
        }.ToJsonString())), HttpStatusCode.Accepted);
}
