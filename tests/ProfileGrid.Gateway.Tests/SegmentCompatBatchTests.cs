using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// What a Segment batch answers at its edges: a message that breaks a rule is refused on its own (a timestamp the
/// skew correction moves off the calendar, a number sent as a string) while the rest apply, and the answer counts
/// what was newly stored apart from what was stored before.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SegmentCompatBatchTests(GatewayFixture gateway)
{
    private const string SkewRule = "timestamp, moved by the sender's clock skew (receivedAt - sentAt), must fall between 1970 and 5 minutes from now";

    [Fact]
    public async Task A_skew_correction_past_the_calendars_end_refuses_that_message_and_the_rest_of_the_batch_applies()
    {
        var user = NewCustomerId();

        // The batch's sentAt moves the first timed message past year 9999; the second's own sentAt moves it before year 1.
        var answer = await Send($$"""
            {"sentAt":"2000-01-01T00:00:00Z","batch":[
              {"type":"track","userId":"{{user}}","messageId":"{{Guid.NewGuid()}}","event":"Kept"},
              {"type":"track","userId":"{{user}}","messageId":"far-future","event":"Far Future","timestamp":"9999-12-31T00:00:00Z"},
              {"type":"track","userId":"{{user}}","messageId":"far-past","event":"Far Past","timestamp":"2000-01-01T00:00:00Z","sentAt":"9999-12-31T00:00:00Z"}
            ]}
            """);

        Assert.Equal(1, (int)answer["applied"]!);
        Assert.Equal([(1, "far-future", SkewRule), (2, "far-past", SkewRule)], Rejected(answer));
        var profile = await Profile(user);
        Assert.Equal(["kept"], profile["counters"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task A_revenue_or_value_sent_as_a_string_refuses_that_message_and_the_rest_of_the_batch_applies()
    {
        var user = NewCustomerId();

        var answer = await Send($$$"""
            {"batch":[
              {"type":"track","userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}","event":"Order Completed","properties":{"revenue":49.5}},
              {"type":"track","userId":"{{{user}}}","messageId":"as-text","event":"Order Completed","properties":{"revenue":"49.50"}},
              {"type":"track","userId":"{{{user}}}","messageId":"value-as-text","event":"Signed Up","properties":{"value":"3"}}
            ]}
            """);
        var single = await ApiAssert.Problem(
            await Post("track", $$$"""{"userId":"{{{user}}}","messageId":"single","event":"Order Completed","properties":{"revenue":"10"}}"""), HttpStatusCode.BadRequest);

        Assert.Equal(1, (int)answer["applied"]!);
        Assert.Equal([(1, "as-text", "properties.revenue must be a JSON number such as 49.5, not a string"),
            (2, "value-as-text", "properties.value must be a JSON number such as 49.5, not a string")], Rejected(answer));
        Assert.Equal("The message was not applied: properties.revenue must be a JSON number such as 49.5, not a string.", (string?)single["detail"]);
        var purchases = (await Profile(user))["counters"]!["order_completed"]!["total"]!;
        Assert.Equal(1, (int)purchases["count"]!);
        Assert.Equal(49.5m, (decimal)purchases["sum"]!);
    }

    [Fact]
    public async Task Applied_counts_only_messages_newly_stored_and_copies_of_a_message_count_as_duplicates()
    {
        var user = NewCustomerId();
        var copy = $$"""{"type":"track","userId":"{{user}}","messageId":"{{Guid.NewGuid()}}","event":"Clicked"}""";
        var identify = $$$"""{"type":"identify","userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}","traits":{"plan":"pro"}}""";
        var batch = $$"""{"batch":[{{copy}},{{copy}},{{copy}},{{identify}}]}""";

        var first = await Send(batch);
        var retry = await Send(batch);

        Assert.Equal("""{"success":true,"applied":2,"duplicates":2,"rejected":[]}""", first.ToJsonString());
        Assert.Equal("""{"success":true,"applied":1,"duplicates":3,"rejected":[]}""", retry.ToJsonString());
        Assert.Equal(1, (int)(await Profile(user))["counters"]!["clicked"]!["total"]!["count"]!);
    }

    private static List<(int Index, string? Id, string? Error)> Rejected(JsonNode answer) =>
        [.. answer["rejected"]!.AsArray().Select(r => ((int)r!["index"]!, (string?)r["id"], (string?)r["error"]))];

    private async Task<JsonNode> Profile(string customerId) =>
        await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customerId}"), HttpStatusCode.OK);

    private async Task<JsonNode> Send(string batch) => await ApiAssert.Json(await Post("batch", batch), HttpStatusCode.OK);

    private async Task<HttpResponseMessage> Post(string path, string body)
    {
        using var http = gateway.As(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ProducerKey + ":")));
        return await http.PostAsync($"/compat/segment/v1/{path}", Json(body));
    }
}
