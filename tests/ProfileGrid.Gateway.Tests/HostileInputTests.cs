using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Input as an attacker or a broken producer sends it: each answer is the exact 4xx problem (never a 5xx), and
/// nothing of the request is stored.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HostileInputTests(GatewayFixture gateway)
{
    private const string NotUtf8 = "The body is not valid UTF-8.";
    private const string LoneSurrogate = "The body holds a \\u escape of a lone surrogate, which is not a Unicode character.";

    private readonly HttpClient _producer = gateway.As(ProducerKey);
    private readonly HttpClient _agent = gateway.As(AgentKey);

    private static ByteArrayContent Bytes(byte[] body, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    /// <summary>A body whose event names <c>C</c> as its customer, with raw bytes spliced in where <c>@</c> stands.</summary>
    private static byte[] EventWith(string customer, string json, params byte[] raw)
    {
        var text = json.Replace("\"C\"", $"\"{customer}\"", StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at < 0
            ? Encoding.UTF8.GetBytes(text)
            : [.. Encoding.UTF8.GetBytes(text[..at]), .. raw, .. Encoding.UTF8.GetBytes(text[(at + 1)..])];
    }

    private async Task AssertUnknown(string customer) =>
        Assert.Equal(HttpStatusCode.NotFound, (await _agent.GetAsync($"/v1/customers/{customer}")).StatusCode);

    public static TheoryData<string, byte[], string> MalformedBodies() => new()
    {
        { "invalid UTF-8 in a string", [0xC3, 0x28], NotUtf8 },
        { "an overlong UTF-8 encoding", [0xC0, 0xAF], NotUtf8 },
        { "a UTF-16 surrogate encoded as UTF-8", [0xED, 0xA0, 0x80], NotUtf8 },
        { "a lone byte past U+10FFFF", [0xF5, 0x80, 0x80, 0x80], NotUtf8 },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Bytes_that_are_not_UTF_8_are_a_400(string name, byte[] raw, string detail)
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Bytes(EventWith(customer, """{"id":"e@","type":"page_view","customerId":"C"}""", raw)));

        var problem = await ApiAssert.Problem(response, HttpStatusCode.BadRequest);
        Assert.True(detail == (string?)problem["detail"], name);
        await AssertUnknown(customer);
    }

    [Theory]
    [InlineData("""{"id":"e\ud800","type":"page_view","customerId":"C"}""")]
    [InlineData("""{"id":"e\udc00x","type":"page_view","customerId":"C"}""")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","properties":{"note":"\uD83D"}}""")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","properties":{"\ud800":1}}""")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","timestamp":"2026-11-23T10:00:00Z\ud800"}""")]
    [InlineData("""{"events":[{"id":"ok","type":"page_view","customerId":"C"},{"id":"e","type":"x","customerId":"C","channel":"\ude00"}]}""")]
    public async Task A_lone_surrogate_escape_anywhere_is_a_400_and_applies_nothing(string json)
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Bytes(EventWith(customer, json)));

        var problem = await ApiAssert.Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal(LoneSurrogate, (string?)problem["detail"]);
        await AssertUnknown(customer);
    }

    [Fact]
    public async Task An_escaped_surrogate_pair_is_text_like_any_other()
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Json($$$"""
            {"id":"smile-\ud83d\ude00","type":"page_view","customerId":"{{{customer}}}","properties":{"\\u":"\ud83d\ude00 \\ud800"}}
            """));

        Assert.Equal("""{"accepted":1,"duplicates":0,"rejected":[]}""", (await ApiAssert.Json(response, HttpStatusCode.Accepted)).ToJsonString());
        var profile = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        Assert.Equal("smile-😀", (string?)profile["recentActivity"]![0]!["id"]);
        Assert.Equal("😀 \\ud800", (string?)profile["recentActivity"]![0]!["properties"]!["\\u"]);
    }

    public static TheoryData<string, string, string> MalformedJson()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        return new()
        {
            { "nesting deeper than 32 levels", $$"""{"id":"e","type":"page_view","customerId":"C","properties":{{deep}}}""", "maximum configured depth of 32" },
            { "a repeated property name", """{"id":"e","id":"f","type":"page_view","customerId":"C"}""", "Duplicate property 'id'" },
            { "a repeated name in properties", """{"id":"e","type":"page_view","customerId":"C","properties":{"a":1,"a":2}}""", "Duplicate property 'a'" },
            { "truncated", """{"id":"e","type":"page_view","customerId":"C" """, "The body is not valid JSON" },
            { "an empty body", "", "The body is not valid JSON" },
            { "trailing garbage", """{"id":"e","type":"page_view","customerId":"C"} x""", "The body is not valid JSON" },
            { "a comment", """{"id":"e",/* hi */"type":"page_view","customerId":"C"}""", "The body is not valid JSON" },
            { "NaN", """{"id":"e","type":"page_view","customerId":"C","value":NaN}""", "The body is not valid JSON" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Malformed_JSON_is_a_400_that_says_why(string name, string json, string detail)
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Bytes(EventWith(customer, json)));

        var problem = await ApiAssert.Problem(response, HttpStatusCode.BadRequest);
        Assert.True(((string?)problem["detail"])!.Contains(detail, StringComparison.Ordinal), $"{name}: {problem["detail"]}");
        await AssertUnknown(customer);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"event\"")]
    [InlineData("true")]
    public async Task A_body_that_is_json_but_no_event_is_a_400(string json)
    {
        var problem = await ApiAssert.Problem(await _producer.PostAsync("/v1/events", Json(json)), HttpStatusCode.BadRequest);

        Assert.Equal("The event is not valid: each event must be a JSON object.", (string?)problem["detail"]);
    }

    [Theory]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","value":79228162514264337593543950335}""", EventLimits.ValueRule)]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","value":1000000000000000.000001}""", EventLimits.ValueRule)]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","value":-1e16}""", EventLimits.ValueRule)]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","value":"19.99"}""", EventLimits.ValueRule)]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","value":[1]}""", EventLimits.ValueRule)]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","timestamp":1700000000}""", EventLimits.TimestampRule)]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","timestamp":"0001-01-01T00:00:00Z"}""", EventLimits.TimestampRule)]
    [InlineData("""{"id":"e\u0000","type":"purchase","customerId":"C"}""", "id is required: a string of 1 to 128 characters")]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C\u0000"}""", "customerId must be 1 to 128 printable ASCII characters without spaces or / \\ # ? % :")]
    [InlineData("""{"id":"e","type":"purchase","customerId":"Ç"}""", "customerId must be 1 to 128 printable ASCII characters without spaces or / \\ # ? % :")]
    [InlineData("""{"id":"e","type":"purchase","customerId":"C","channel":"web\n"}""", "channel must be a string of 1 to 64 characters")]
    public async Task Numbers_times_and_text_outside_the_contract_are_a_400_naming_the_rule(string json, string rule)
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Bytes(EventWith(customer, json)));

        var problem = await ApiAssert.Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal($"The event is not valid: {rule}.", (string?)problem["detail"]);
        await AssertUnknown(customer);
    }

    [Fact]
    public async Task Values_whose_sum_would_overflow_are_refused_and_a_retry_is_refused_the_same_way()
    {
        var customer = NewCustomerId();
        var batch = Json($$"""
            {"events":[{"id":"p1","type":"purchase","customerId":"{{customer}}","value":79228162514264337593543950335},
                       {"id":"p2","type":"purchase","customerId":"{{customer}}","value":79228162514264337593543950335}]}
            """);
        const string refused = $$"""{"accepted":0,"duplicates":0,"rejected":[{"index":0,"id":"p1","error":"{{EventLimits.ValueRule}}"},{"index":1,"id":"p2","error":"{{EventLimits.ValueRule}}"}]}""";

        var first = await ApiAssert.Json(await _producer.PostAsync("/v1/events", batch), HttpStatusCode.Accepted);
        var retry = await ApiAssert.Json(await _producer.PostAsync("/v1/events", batch), HttpStatusCode.Accepted);

        Assert.Equal(refused, first.ToJsonString());
        Assert.Equal(refused, retry.ToJsonString());
        await AssertUnknown(customer);
    }

    [Fact]
    public async Task A_value_that_is_not_a_number_refuses_its_event_and_the_rest_of_the_batch_applies()
    {
        var customer = NewCustomerId();
        var batch = Json($$"""
            {"events":[{"id":"v1","type":"purchase","customerId":"{{customer}}","value":"49.50"},
                       {"id":"v2","type":"purchase","customerId":"{{customer}}","value":true},
                       {"id":"v3","type":"purchase","customerId":"{{customer}}","value":12.5}]}
            """);

        var answer = await ApiAssert.Json(await _producer.PostAsync("/v1/events", batch), HttpStatusCode.Accepted);
        var profile = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal($$"""{"accepted":1,"duplicates":0,"rejected":[{"index":0,"id":"v1","error":"{{EventLimits.ValueRule}}"},{"index":1,"id":"v2","error":"{{EventLimits.ValueRule}}"}]}""",
            answer.ToJsonString());
        Assert.Equal(1, (int)profile["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(12.5m, (decimal)profile["counters"]!["purchase"]!["total"]!["sum"]!);
    }

    [Fact]
    public async Task The_largest_values_sum_exactly_and_the_profile_stays_readable()
    {
        var customer = NewCustomerId();
        var events = string.Join(',', Enumerable.Range(0, 3).Select(i =>
            $$"""{"id":"p{{i}}","type":"purchase","customerId":"{{customer}}","value":1e15}"""));

        var body = await ApiAssert.Json(await _producer.PostAsync("/v1/events", Json($$"""{"events":[{{events}}]}""")), HttpStatusCode.Accepted);
        var profile = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal(3, (int)body["accepted"]!);
        Assert.Equal(3_000_000_000_000_000m, (decimal)profile["counters"]!["purchase"]!["24h"]!["sum"]!);
    }

    [Fact]
    public async Task A_value_is_kept_to_6_decimal_places()
    {
        var customer = NewCustomerId();

        await ApiAssert.Json(await _producer.PostAsync("/v1/events", Json($$"""
            {"id":"p","type":"purchase","customerId":"{{customer}}","value":0.30000000000000004}
            """)), HttpStatusCode.Accepted);
        var profile = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal("0.3", profile["counters"]!["purchase"]!["total"]!["sum"]!.ToJsonString());
    }

    [Theory]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task A_charset_other_than_UTF_8_is_a_415(string mediaType)
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Bytes(EventWith(customer, """{"id":"e","type":"page_view","customerId":"C"}"""), mediaType));

        await ApiAssert.Problem(response, HttpStatusCode.UnsupportedMediaType);
        await AssertUnknown(customer);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF8")]
    [InlineData("application/json")]
    public async Task UTF_8_by_any_of_its_names_is_accepted(string mediaType)
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Bytes(EventWith(customer, """{"id":"e","type":"page_view","customerId":"C"}"""), mediaType));

        await ApiAssert.Json(response, HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_byte_order_mark_is_allowed()
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events",
            Bytes([0xEF, 0xBB, 0xBF, .. EventWith(customer, """{"id":"e","type":"page_view","customerId":"C"}""")], "application/json; charset=utf-8"));

        await ApiAssert.Json(response, HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("/v1/identify", "POST")]
    [InlineData("/v1/customers/{id}/traits", "PATCH")]
    public async Task Trait_routes_refuse_malformed_bodies_with_a_400(string route, string method)
    {
        var customer = NewCustomerId();
        var bodies = new[]
        {
            EventWith(customer, """{"customerId":"C","traits":{"name":"Ann@"}}""", 0xC3, 0x28),
            EventWith(customer, """{"customerId":"C","traits":{"\ud800":"x"}}"""),
            EventWith(customer, """{"customerId":"C","customerId":"C","traits":{"a":1}}"""),
        };

        foreach (var body in bodies)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{id}", customer, StringComparison.Ordinal)) { Content = Bytes(body) };
            await ApiAssert.Problem(await _producer.SendAsync(request), HttpStatusCode.BadRequest);
        }

        await AssertUnknown(customer);
    }

    [Fact]
    public async Task Past_the_event_type_bound_new_types_are_refused_per_event_and_the_customer_stays_readable()
    {
        var customer = NewCustomerId();
        var events = string.Join(',', Enumerable.Range(0, CustomerLimits.MaxEventTypes + 2).Select(i =>
            $$"""{"id":"e{{i}}","type":"type_{{i}}","customerId":"{{customer}}"}"""));

        var body = await ApiAssert.Json(await _producer.PostAsync("/v1/events", Json($$"""{"events":[{{events}}]}""")), HttpStatusCode.Accepted);
        var profile = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal(CustomerLimits.MaxEventTypes, (int)body["accepted"]!);
        Assert.Equal([CustomerLimits.MaxEventTypes, CustomerLimits.MaxEventTypes + 1], body["rejected"]!.AsArray().Select(r => (int)r!["index"]!));
        Assert.All(body["rejected"]!.AsArray(), r => Assert.Equal(CustomerLimits.EventTypesRule, (string?)r!["error"]));
        Assert.Equal(CustomerLimits.MaxEventTypes, profile["counters"]!.AsObject().Count);
    }

    [Fact]
    public async Task Past_the_trait_bound_new_traits_are_refused_by_name_and_the_rest_apply()
    {
        var customer = NewCustomerId();
        var first = new JsonObject();
        for (var i = 0; i < CustomerLimits.MaxTraits; i++) first[$"t{i}"] = i;
        await ApiAssert.Json(await _producer.PatchAsync($"/v1/customers/{customer}/traits", Json(first.ToJsonString())), HttpStatusCode.OK);

        var body = await ApiAssert.Json(await _producer.PatchAsync($"/v1/customers/{customer}/traits",
            Json("""{"one_too_many":1,"t0":"updated"}""")), HttpStatusCode.OK);

        Assert.Equal($$"""{"customerId":"{{customer}}","seq":2,"changed":{"traits":["t0"],"consent":[]},"rejected":[{"name":"one_too_many","error":"{{CustomerLimits.TraitsRule}}"}]}""",
            body.ToJsonString());
    }

    [Fact]
    public async Task The_same_event_id_from_two_producers_is_two_events()
    {
        var customer = NewCustomerId();
        var json = $$"""{"id":"order-1","type":"purchase","customerId":"{{customer}}","value":5}""";

        var first = await ApiAssert.Json(await _producer.PostAsync("/v1/events", Json(json)), HttpStatusCode.Accepted);
        var second = await ApiAssert.Json(await gateway.As(SecondProducerKey).PostAsync("/v1/events", Json(json)), HttpStatusCode.Accepted);
        var retry = await ApiAssert.Json(await gateway.As(SecondProducerKey).PostAsync("/v1/events", Json(json)), HttpStatusCode.Accepted);
        var profile = await ApiAssert.Json(await _agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal(1, (int)first["accepted"]!);
        Assert.Equal(1, (int)second["accepted"]!);
        Assert.Equal(1, (int)retry["duplicates"]!);
        Assert.Equal(10m, (decimal)profile["counters"]!["purchase"]!["total"]!["sum"]!);
    }
}
