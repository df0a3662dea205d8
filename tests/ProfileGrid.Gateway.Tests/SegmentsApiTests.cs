using System.Net;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Segment definitions and real-time membership: <c>/v1/segments</c>, and the segments in the customer view.</summary>
[Collection(GatewayCollection.Name)]
public sealed class SegmentsApiTests(GatewayFixture gateway)
{
    private const string AbandonedRule = "cart_abandoned.1h >= 1 and purchase.1h == 0";

    private static string NewSegment() => $"s-{Guid.NewGuid():N}"[..24];

    private static string Definition(string rule, string? description = null) =>
        new JsonObject { ["rule"] = rule, ["description"] = description }.ToJsonString();

    private async Task<JsonNode> Define(string name, string rule) =>
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json(Definition(rule, "test"))), HttpStatusCode.OK);

    public static TheoryData<string, string, string?, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string?, HttpStatusCode>();
        (string Method, string Route, HttpStatusCode Ok, string[] Roles)[] routes =
        [
            ("PUT", "/v1/segments/{name}", HttpStatusCode.OK, ["admin"]),
            ("GET", "/v1/segments", HttpStatusCode.OK, ["agent", "admin"]),
            ("GET", "/v1/segments/{name}", HttpStatusCode.OK, ["agent", "admin"]),
            ("GET", "/v1/segments/{name}/members", HttpStatusCode.OK, ["agent", "admin"]),
            ("GET", "/v1/segments/{name}/members/{id}", HttpStatusCode.OK, ["agent", "admin"]),
            ("POST", "/v1/segments/{name}/check", HttpStatusCode.OK, ["agent", "admin"]),
            ("POST", "/v1/segments/{name}/reconcile", HttpStatusCode.Accepted, ["admin"]),
        ];
        foreach (var (method, route, ok, roles) in routes)
        {
            data.Add(method, route, null, HttpStatusCode.Unauthorized);
            data.Add(method, route, "not-a-configured-key-at-all", HttpStatusCode.Unauthorized);
            foreach (var role in new[] { "producer", "agent", "admin" }) data.Add(method, route, role, roles.Contains(role) ? ok : HttpStatusCode.Forbidden);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_route_answers_each_key_as_its_role_allows(string method, string route, string? key, HttpStatusCode expected)
    {
        var name = NewSegment();
        await Define(name, AbandonedRule);
        var apiKey = key switch { "producer" => ProducerKey, "agent" => AgentKey, "admin" => AdminKey, _ => key };
        using var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{name}", name, StringComparison.Ordinal).Replace("{id}", NewCustomerId(), StringComparison.Ordinal));
        request.Content = method switch
        {
            "PUT" => Json(Definition("purchase.total >= 1")),
            "POST" => Json($$"""{"customerIds":["{{NewCustomerId()}}"]}"""),
            _ => null,
        };

        using var response = await gateway.As(apiKey).SendAsync(request);

        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await ApiAssert.Problem(response, expected);
            var stored = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.OK);
            Assert.Equal(AbandonedRule, (string?)stored["rule"]);
        }
        else
        {
            await ApiAssert.Json(response, expected);
        }
    }

    [Fact]
    public async Task A_definition_is_stored_in_canonical_form_and_listed()
    {
        // An event type no test sends: the fixture's gateway is shared, and a back-fill over customers that other tests
        // gave cart_abandoned events counted one of them (size 1) in a loaded CI run.
        var name = NewSegment();

        var defined = await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}",
            Json(Definition("(canonical_probe.1h>=1)  and  not purchase.1h>0", "abandoned a cart in the last hour"))), HttpStatusCode.OK);
        var read = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.OK);
        var list = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync("/v1/segments"), HttpStatusCode.OK);

        Assert.Equal("canonical_probe.1h >= 1 and not purchase.1h > 0", (string?)defined["rule"]);
        Assert.Equal("test admin", (string?)defined["definedBy"]);
        // The read is the definition, and how many are in it now with the back-fill's progress.
        foreach (var field in new[] { "name", "rule", "description", "definedAt", "definedBy" }) Assert.Equal(defined[field]!.ToJsonString(), read[field]!.ToJsonString());
        Assert.Equal(0, (long)read["size"]!);
        Assert.Contains((string?)read["backfill"]!["state"], new[] { "running", "done" });
        Assert.Contains(list["segments"]!.AsArray(), s => (string?)s!["name"] == name && (string?)s["description"] == "abandoned a cart in the last hour");
    }

    [Fact]
    public async Task An_admin_starts_a_reconciliation_and_the_segment_shows_its_progress()
    {
        var name = NewSegment();
        await Define(name, AbandonedRule);

        var started = await ApiAssert.Json(await gateway.As(AdminKey).PostAsync($"/v1/segments/{name}/reconcile", null), HttpStatusCode.Accepted);
        var read = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.OK);
        var unknown = await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync($"/v1/segments/{NewSegment()}/reconcile", null), HttpStatusCode.NotFound);

        Assert.Equal("running", (string?)started["state"]);
        Assert.Equal(0, (long)started["membersRemoved"]!);
        Assert.Contains((string?)read["reconcile"]!["state"], new[] { "running", "done" });
        Assert.StartsWith("No segment 's-", (string?)unknown["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("purchase.2h > 1", 1, 1, "unknown operand 'purchase.2h'")]
    [InlineData("purchase.1h > 1 and tier > \"gold\"", 1, 28, "a text compares only with == or !=")]
    [InlineData("purchase.1h >", 1, 14, "unexpected end of input")]
    public async Task A_rule_that_does_not_read_is_refused_with_where_and_why(string rule, int line, int column, string reason)
    {
        var name = NewSegment();

        var problem = await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json(Definition(rule))), HttpStatusCode.BadRequest);

        Assert.Equal((line, column), ((int)problem["line"]!, (int)problem["column"]!));
        Assert.Contains(reason, (string?)problem["reason"], StringComparison.Ordinal);
        Assert.StartsWith($"The rule does not read: line {line}, column {column}: ", (string?)problem["detail"], StringComparison.Ordinal);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rule_nested_2000_parentheses_deep_is_a_400_at_the_one_that_crosses_the_limit_and_the_gateway_keeps_answering()
    {
        // 4,011 characters, under the length limit: it overflowed the stack of the gateway and its co-hosted silo.
        var name = NewSegment();
        var rule = new string('(', 2000) + "orders >= 1" + new string(')', 2000);

        var problem = await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json(Definition(rule))), HttpStatusCode.BadRequest);

        Assert.Equal((1, 33), ((int)problem["line"]!, (int)problem["column"]!));
        Assert.Equal("the rule nests deeper than 32 levels (parentheses and not together)", (string?)problem["reason"]);
        Assert.Equal("The rule does not read: line 1, column 33: the rule nests deeper than 32 levels (parentheses and not together).", (string?)problem["detail"]);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await gateway.As(null).GetAsync("/healthz")).StatusCode);
        await Define(NewSegment(), AbandonedRule);
    }

    [Fact]
    public async Task A_rule_of_1000_nested_nots_is_a_400_at_the_one_that_crosses_the_limit()
    {
        // Accepted before, it made every write of every customer evaluate it, at a cost quadratic in the depth.
        var name = NewSegment();
        var rule = string.Concat(Enumerable.Repeat("not ", 1000)) + "purchase.1h >= 1";

        var problem = await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json(Definition(rule))), HttpStatusCode.BadRequest);

        Assert.Equal((1, 129), ((int)problem["line"]!, (int)problem["column"]!));
        Assert.Equal("the rule nests deeper than 32 levels (parentheses and not together)", (string?)problem["reason"]);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_rule_of_too_many_comparisons_is_a_400_at_the_first_one_too_many()
    {
        var rule = string.Join(" or ", Enumerable.Repeat("orders >= 1", 129));

        var problem = await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/segments/{NewSegment()}", Json(Definition(rule))), HttpStatusCode.BadRequest);

        Assert.Equal((1, 1 + (128 * "orders >= 1 or ".Length)), ((int)problem["line"]!, (int)problem["column"]!));
        Assert.Equal("the rule holds more than 128 comparisons", (string?)problem["reason"]);
    }

    [Fact]
    public async Task A_rule_at_the_depth_limit_is_stored_normalized_and_evaluates_right()
    {
        // 2 parentheses and 15 'not (' are 32 levels; the 15 nots are one.
        var name = NewSegment();
        var rule = "((" + string.Concat(Enumerable.Repeat("not (", 15)) + "purchase.total >= 1" + new string(')', 17);
        var (browsed, bought) = (NewCustomerId(), NewCustomerId());
        await Post(browsed, "page_view", DateTimeOffset.UtcNow);
        await Post(bought, "purchase", DateTimeOffset.UtcNow);

        var defined = await Define(name, rule);
        var inside = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}/members/{browsed}"), HttpStatusCode.OK);
        var outside = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}/members/{bought}"), HttpStatusCode.OK);
        var view = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{browsed}"), HttpStatusCode.OK);

        Assert.Equal("not purchase.total >= 1", (string?)defined["rule"]);
        Assert.True((bool)inside["member"]!);
        Assert.Equal("""["not (purchase.total \u003E= 1): purchase.total = 0"]""", inside["reasons"]!.ToJsonString());
        Assert.False((bool)outside["member"]!);
        Assert.Equal(inside["reasons"]!.ToJsonString(), Assert.Single(view["segments"]!.AsArray(), s => (string?)s!["name"] == name)!["reasons"]!.ToJsonString());
        Assert.Null(view["segmentsNotEvaluable"]);
    }

    [Theory]
    [InlineData("Upper", """{"rule":"orders > 1"}""")]
    [InlineData("ok-name", """{"description":"no rule"}""")]
    [InlineData("ok-name", """{"rule":5}""")]
    [InlineData("ok-name", """["orders > 1"]""")]
    public async Task A_bad_name_or_body_is_a_400(string name, string body) =>
        await ApiAssert.Problem(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json(body)), HttpStatusCode.BadRequest);

    [Fact]
    public async Task The_customer_view_lists_the_segments_the_customer_is_in_with_why()
    {
        var name = NewSegment();
        await Define(name, AbandonedRule);
        var customer = NewCustomerId();
        await Post(customer, "cart_abandoned", DateTimeOffset.UtcNow.AddMinutes(-5));

        var inside = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        await Post(customer, "purchase", DateTimeOffset.UtcNow);
        var outside = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        var membership = Assert.Single(inside["segments"]!.AsArray(), s => (string?)s!["name"] == name)!;
        Assert.Equal("""["cart_abandoned.1h = 1","purchase.1h = 0"]""", membership["reasons"]!.ToJsonString());
        Assert.DoesNotContain(outside["segments"]!.AsArray(), s => (string?)s!["name"] == name);
    }

    [Fact]
    public async Task Membership_is_answered_for_one_customer_and_checked_for_many()
    {
        var name = NewSegment();
        await Define(name, AbandonedRule);
        var (inside, outside, unknown, stale) = (NewCustomerId(), NewCustomerId(), NewCustomerId(), NewCustomerId());
        await Post(inside, "cart_abandoned", DateTimeOffset.UtcNow.AddMinutes(-1));
        await Post(outside, "cart_abandoned", DateTimeOffset.UtcNow.AddMinutes(-1));
        await Post(outside, "purchase", DateTimeOffset.UtcNow);
        // Abandoned 61 minutes ago: out of the last hour.
        await Post(stale, "cart_abandoned", DateTimeOffset.UtcNow.AddMinutes(-61));

        var member = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}/members/{inside}"), HttpStatusCode.OK);
        var notMember = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}/members/{unknown}"), HttpStatusCode.OK);
        var check = await ApiAssert.Json(await gateway.As(AgentKey).PostAsync($"/v1/segments/{name}/check",
            Json($$"""{"customerIds":["{{inside}}","{{outside}}","{{unknown}}","{{stale}}","{{inside}}"]}""")), HttpStatusCode.OK);

        Assert.True((bool)member["member"]!);
        Assert.Equal("""["cart_abandoned.1h = 1","purchase.1h = 0"]""", member["reasons"]!.ToJsonString());
        Assert.False((bool)notMember["member"]!);
        Assert.Equal($$"""["{{inside}}"]""", check["members"]!.ToJsonString());
        Assert.Equal($$"""["{{outside}}","{{unknown}}","{{stale}}"]""", check["notMembers"]!.ToJsonString());
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/segments/{NewSegment()}/members/{inside}"), HttpStatusCode.NotFound);
        var tooMany = $$"""{"customerIds":[{{string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"c{i}\""))}}]}""";
        await ApiAssert.Problem(await gateway.As(AgentKey).PostAsync($"/v1/segments/{name}/check", Json(tooMany)), HttpStatusCode.BadRequest);
    }

    private async Task Post(string customer, string type, DateTimeOffset at) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json($$"""
            {"id":"{{Guid.NewGuid()}}","type":"{{type}}","customerId":"{{customer}}","value":10,"timestamp":"{{at:O}}"}
            """)), HttpStatusCode.Accepted);
}
