using System.Net;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class CustomersApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _producer = gateway.As(ProducerKey);
    private readonly HttpClient _agent = gateway.As(AgentKey);

    [Fact]
    public async Task An_unknown_customer_is_a_404_problem()
    {
        var problem = await ApiAssert.Problem(await _agent.GetAsync($"/v1/customers/{NewCustomerId()}"), HttpStatusCode.NotFound);

        Assert.Equal("Not found", (string?)problem["title"]);
    }

    [Fact]
    public async Task The_profile_carries_live_value_scores()
    {
        var customer = NewCustomerId();
        var now = DateTimeOffset.UtcNow;
        string At(int daysAgo) => now.AddDays(-daysAgo).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await ApiAssert.Json(await _producer.PostAsync("/v1/events", Json($$"""
            {"events":[{"id":"v1","type":"purchase","customerId":"{{customer}}","value":300,"timestamp":"{{At(40)}}"},
                       {"id":"v2","type":"purchase","customerId":"{{customer}}","value":200,"timestamp":"{{At(10)}}"},
                       {"id":"v3","type":"purchase","customerId":"{{customer}}","value":100,"timestamp":"{{At(2)}}"},
                       {"id":"v4","type":"page_view","customerId":"{{customer}}"}]}
            """)), HttpStatusCode.Accepted);

        var read = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        var value = read["value"]!;

        // 3 purchases of 200 on average, at the pace of 3 in 90 days (the shortest period a pace is taken over), for 2 more years.
        Assert.Equal(600m, (decimal)value["clv"]!["historic"]!);
        Assert.Equal(Math.Round(600m + 200m * (3m / 90m * 365m) * 2m, 2), (decimal)value["clv"]!["predicted"]!);
        Assert.Equal(5466.67m, (decimal)value["clv"]!["predicted"]!);
        Assert.Equal(3, (long)value["orders"]!);
        Assert.Equal(now.AddDays(-2), DateTimeOffset.Parse((string)value["lastPurchaseAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("""{"recency":5,"frequency":2,"monetary":3}""", value["rfm"]!.ToJsonString());
        Assert.Equal("silver", (string?)value["tier"]);
        Assert.Equal((string?)value["lastPurchaseAt"], (string?)read["counters"]!["purchase"]!["lastAt"]);
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("anon:")]
    [InlineData("has%20space")]
    public async Task A_malformed_customer_id_is_a_400(string id)
    {
        await ApiAssert.Problem(await _agent.GetAsync($"/v1/customers/{id}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patching_traits_merges_them_into_groups_and_null_removes_one()
    {
        var customer = NewCustomerId();
        var email = $"ann.{Guid.NewGuid():N}@example.com";
        await ApiAssert.Json(await _producer.PatchAsync($"/v1/customers/{customer}/traits",
            Json($$"""{"email":"{{email}}","plan":"gold","rating":5}""")), HttpStatusCode.OK);

        var body = await ApiAssert.Json(await _producer.PatchAsync($"/v1/customers/{customer}/traits",
            Json("""{"plan":null,"addresses":[{"city":"Oslo"}]}""")), HttpStatusCode.OK);
        // An agent with the pii scope: identity traits unmasked (PersonalDataTests covers the masking).
        var read = await ApiAssert.Json(await gateway.As(ScopedAgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        // The first patch links the email: its ledger entry is stored before the claim (seq 1), then the traits (seq 2).
        Assert.Equal($$"""{"customerId":"{{customer}}","seq":3,"changed":{"traits":["plan","addresses"],"consent":[]},"rejected":[]}""",
            body.ToJsonString());
        Assert.Equal($$$"""{"descriptive":{},"identity":{"addresses":[{"city":"Oslo"}],"email":"{{{email}}}"},"qualitative":{"rating":5}}""",
            Sorted(read["traits"]!));
        Assert.Equal(3, (long)read["seq"]!);
    }

    [Theory]
    [InlineData("[1,2]", "traits must be a JSON object.")]
    [InlineData("{}", "Send at least one trait.")]
    [InlineData("""{"":"x"}""", "trait names must be 1 to 64 printable characters.")]
    public async Task A_bad_trait_patch_is_a_400_and_changes_nothing(string json, string detail)
    {
        var customer = NewCustomerId();

        var problem = await ApiAssert.Problem(await _producer.PatchAsync($"/v1/customers/{customer}/traits", Json(json)), HttpStatusCode.BadRequest);

        Assert.Equal(detail, (string?)problem["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _agent.GetAsync($"/v1/customers/{customer}")).StatusCode);
    }

    [Fact]
    public async Task Identify_sets_traits_and_consent()
    {
        var customer = NewCustomerId();

        var body = await ApiAssert.Json(await _producer.PostAsync("/v1/identify", Json($$"""
            {"customerId":"{{customer}}","traits":{"name":"Ann Lee","career":"nurse"},"consent":{"email":true,"sms":false} }
            """)), HttpStatusCode.OK);
        var read = await ApiAssert.Json(await gateway.As(ScopedAgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal($$"""{"customerId":"{{customer}}","seq":1,"changed":{"traits":["name","career"],"consent":["email","sms"]},"rejected":[]}""",
            body.ToJsonString());
        Assert.Equal("Ann Lee", (string?)read["traits"]!["identity"]!["name"]);
        Assert.Equal("nurse", (string?)read["traits"]!["descriptive"]!["career"]);
        Assert.Equal("""{"email":true,"sms":false}""", Sorted(read["consent"]!));
    }

    [Theory]
    [InlineData("""{"traits":{"name":"x"}}""")]
    [InlineData("""{"customerId":"a/b"}""")]
    [InlineData("""{"customerId":"ok","consent":{"email":"yes"}}""")]
    public async Task A_bad_identify_is_a_400(string json)
    {
        await ApiAssert.Problem(await _producer.PostAsync("/v1/identify", Json(json)), HttpStatusCode.BadRequest);
    }

    private static string Sorted(JsonNode node) => node switch
    {
        JsonObject obj => "{" + string.Join(',', obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"\"{p.Key}\":{(p.Value is null ? "null" : Sorted(p.Value))}")) + "}",
        JsonArray array => "[" + string.Join(',', array.Select(item => item is null ? "null" : Sorted(item))) + "]",
        _ => node.ToJsonString(),
    };
}
