using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class EventsApiTests(GatewayFixture gateway)
{
    private readonly HttpClient _producer = gateway.As(ProducerKey);
    private readonly HttpClient _agent = gateway.As(AgentKey);

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private async Task<JsonNode?> Profile(string customerId)
    {
        var response = await _agent.GetAsync($"/v1/customers/{customerId}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ApiAssert.Json(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_single_event_is_accepted_and_counted()
    {
        var customer = NewCustomerId();

        var response = await _producer.PostAsync("/v1/events", Json($$"""
            {"id":"e1","type":"purchase","customerId":"{{customer}}","value":19.99,"channel":"web","properties":{"sku":"A-1"} }
            """));

        var body = await ApiAssert.Json(response, HttpStatusCode.Accepted);
        Assert.Equal("""{"accepted":1,"duplicates":0,"rejected":[]}""", body.ToJsonString());
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(Encoding.UTF8.GetByteCount("""{"accepted":1,"duplicates":0,"rejected":[]}"""), response.Content.Headers.ContentLength);
        var profile = (await Profile(customer))!;
        foreach (var window in new[] { "1h", "24h", "7d", "30d", "total" })
        {
            Assert.Equal(1, (int)profile["counters"]!["purchase"]![window]!["count"]!);
            Assert.Equal(19.99m, (decimal)profile["counters"]!["purchase"]![window]!["sum"]!);
        }

        var activity = Assert.Single(profile["recentActivity"]!.AsArray())!;
        Assert.Equal("e1", (string?)activity["id"]);
        Assert.Equal("A-1", (string?)activity["properties"]!["sku"]);
        Assert.Equal(["web"], profile["channels"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task A_batch_applies_its_valid_events_and_rejects_the_others_one_by_one()
    {
        var (ann, bob) = (NewCustomerId(), NewCustomerId());
        var old = Iso(DateTimeOffset.UtcNow.AddHours(-2));

        var response = await _producer.PostAsync("/v1/events", Json($$"""
            {"events":[
              {"id":"a1","type":"purchase","customerId":"{{ann}}","value":10},
              {"id":"a2","type":"Purchase","customerId":"{{ann}}"},
              {"id":"b1","type":"page_view","customerId":"{{bob}}","timestamp":"{{old}}"},
              {"type":"page_view","customerId":"{{bob}}"},
              {"id":"a3","type":"purchase","customerId":"{{ann}}","value":2.5},
              {"id":"b2","type":"page_view","customerId":"{{bob}}","value":"lots"}
            ]}
            """));

        var body = await ApiAssert.Json(response, HttpStatusCode.Accepted);
        Assert.Equal(3, (int)body["accepted"]!);
        Assert.Equal(0, (int)body["duplicates"]!);
        var rejected = body["rejected"]!.AsArray();
        Assert.Equal([1, 3, 5], rejected.Select(r => (int)r!["index"]!));
        Assert.Equal(["a2", null, "b2"], rejected.Select(r => (string?)r!["id"]));
        Assert.Equal("type is required and must match [a-z0-9_.-]{1,64}", (string?)rejected[0]!["error"]);

        var annProfile = (await Profile(ann))!;
        Assert.Equal(2, (int)annProfile["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(12.5m, (decimal)annProfile["counters"]!["purchase"]!["total"]!["sum"]!);
        var bobCounters = (await Profile(bob))!["counters"]!["page_view"]!;
        Assert.Equal(0, (int)bobCounters["1h"]!["count"]!);
        Assert.Equal(1, (int)bobCounters["24h"]!["count"]!);
    }

    [Fact]
    public async Task A_resent_batch_reports_duplicates_and_changes_nothing()
    {
        var customer = NewCustomerId();
        var batch = $$"""{"events":[{"id":"x1","type":"cart_add","customerId":"{{customer}}"},{"id":"x2","type":"cart_add","customerId":"{{customer}}"}]}""";
        await _producer.PostAsync("/v1/events", Json(batch));
        var seq = (long)(await Profile(customer))!["seq"]!;

        var again = await ApiAssert.Json(await _producer.PostAsync("/v1/events", Json(batch)), HttpStatusCode.Accepted);

        Assert.Equal("""{"accepted":0,"duplicates":2,"rejected":[]}""", again.ToJsonString());
        var profile = (await Profile(customer))!;
        Assert.Equal(2, (int)profile["counters"]!["cart_add"]!["total"]!["count"]!);
        Assert.Equal(seq, (long)profile["seq"]!);
    }

    [Theory]
    [InlineData("""{"type":"page_view","customerId":"C"}""", "id is required: a string of 1 to 128 characters")]
    [InlineData("""{"id":"","type":"page_view","customerId":"C"}""", "id is required: a string of 1 to 128 characters")]
    [InlineData("""{"id":7,"type":"page_view","customerId":"C"}""", "id is required: a string of 1 to 128 characters")]
    [InlineData("""{"id":"e","type":"page view","customerId":"C"}""", "type is required and must match [a-z0-9_.-]{1,64}")]
    [InlineData("""{"id":"e","customerId":"C"}""", "type is required and must match [a-z0-9_.-]{1,64}")]
    [InlineData("""{"id":"e","type":"page_view"}""", "customerId or anonymousId is required")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"a/b"}""", "customerId must be 1 to 128 printable ASCII characters without spaces or / \\ # ? % :")]
    [InlineData("""{"id":"e","type":"page_view","anonymousId":""}""", "anonymousId must be 1 to 128 printable ASCII characters without spaces or / \\ # ? % :")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","timestamp":"yesterday"}""", "timestamp must be an ISO 8601 date-time from 1970 on, e.g. 2026-11-23T10:15:00Z")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","timestamp":"2999-01-01T00:00:00Z"}""", "timestamp is more than 5 minutes in the future")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","value":"12"}""", "value must be a number between -1e15 and 1e15 (kept to 6 decimal places)")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","value":1e400}""", "value must be a number between -1e15 and 1e15 (kept to 6 decimal places)")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","channel":""}""", "channel must be a string of 1 to 64 characters")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","channel":7}""", "channel must be a string of 1 to 64 characters")]
    [InlineData("""{"id":"e","type":"page_view","customerId":"C","properties":[1]}""", "properties must be a JSON object")]
    [InlineData("""[{"id":"e","type":"page_view","customerId":"C"}]""", "each event must be a JSON object")]
    public async Task A_single_invalid_event_is_a_400_that_names_the_rule(string json, string error)
    {
        var response = await _producer.PostAsync("/v1/events", Json(json.Replace("\"C\"", $"\"{NewCustomerId()}\"", StringComparison.Ordinal)));

        var problem = await ApiAssert.Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal($"The event is not valid: {error}.", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Limits_on_ids_types_and_properties_are_enforced()
    {
        var customer = NewCustomerId();
        var bigProperties = $$"""{"blob":"{{new string('x', 16 * 1024)}}"}""";
        var response = await _producer.PostAsync("/v1/events", Json($$"""
            {"events":[
              {"id":"{{new string('i', 128)}}","type":"{{new string('t', 64)}}","customerId":"{{customer}}"},
              {"id":"{{new string('i', 129)}}","type":"ok","customerId":"{{customer}}"},
              {"id":"t65","type":"{{new string('t', 65)}}","customerId":"{{customer}}"},
              {"id":"p","type":"ok","customerId":"{{customer}}","properties":{{bigProperties}}}
            ]}
            """));

        var body = await ApiAssert.Json(response, HttpStatusCode.Accepted);
        Assert.Equal(1, (int)body["accepted"]!);
        Assert.Equal([1, 2, 3], body["rejected"]!.AsArray().Select(r => (int)r!["index"]!));
        Assert.Equal("properties must be at most 16384 bytes of JSON", (string?)body["rejected"]![2]!["error"]);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400()
    {
        var problem = await ApiAssert.Problem(await _producer.PostAsync("/v1/events", Json("{\"id\": ")), HttpStatusCode.BadRequest);

        Assert.StartsWith("The body is not valid JSON", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"events":{}}""", "events must be an array of event objects.")]
    [InlineData("""{"events":[]}""", "events must hold at least one event.")]
    public async Task A_batch_of_the_wrong_shape_is_a_400(string json, string detail)
    {
        var problem = await ApiAssert.Problem(await _producer.PostAsync("/v1/events", Json(json)), HttpStatusCode.BadRequest);

        Assert.Equal(detail, (string?)problem["detail"]);
    }

    [Fact]
    public async Task More_than_1000_events_is_a_413_and_applies_none()
    {
        var customer = NewCustomerId();
        var events = string.Join(',', Enumerable.Range(0, 1001).Select(i => $$"""{"id":"e{{i}}","type":"page_view","customerId":"{{customer}}"}"""));

        var response = await _producer.PostAsync("/v1/events", Json($$"""{"events":[{{events}}]}"""));

        await ApiAssert.Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await Profile(customer));
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_a_413_and_applies_none()
    {
        var customer = NewCustomerId();
        var padding = new string('p', 1024 * 1024);
        var json = $$"""{"events":[{"id":"e1","type":"page_view","customerId":"{{customer}}"}],"padding":"{{padding}}"}""";

        var response = await _producer.PostAsync("/v1/events", Json(json));

        await ApiAssert.Problem(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await Profile(customer));
    }

    [Fact]
    public async Task A_body_over_1_MiB_without_a_content_length_is_a_413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"pad":"{{new string('p', 1100 * 1024)}}"}""")));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await ApiAssert.Problem(await _producer.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_content_is_a_415(string mediaType)
    {
        var content = new StringContent("""{"id":"e","type":"t","customerId":"c"}""", Encoding.UTF8, mediaType);

        await ApiAssert.Problem(await _producer.PostAsync("/v1/events", content), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Anonymous_events_build_a_profile_under_the_anon_key()
    {
        var anonymousId = Guid.NewGuid().ToString("N");

        await _producer.PostAsync("/v1/events", Json($$"""{"id":"e1","type":"page_view","anonymousId":"{{anonymousId}}"}"""));

        var profile = (await Profile($"anon:{anonymousId}"))!;
        Assert.Equal($"anon:{anonymousId}", (string?)profile["customerId"]);
        Assert.Equal(1, (int)profile["counters"]!["page_view"]!["total"]!["count"]!);
    }
}
