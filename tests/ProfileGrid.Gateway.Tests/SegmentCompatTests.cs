using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ProfileGrid.Testing;
using Xunit.Abstractions;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// The Segment tracking spec under <c>/compat/segment/v1</c>: driven by Segment's own Node library pointed at the
/// gateway, and by hand for the mapping, authentication, limits, clock skew and partial batches.
/// </summary>
public sealed class SegmentCompatTests(KestrelGatewayFixture gateway, ITestOutputHelper output) : IClassFixture<KestrelGatewayFixture>
{
    [Fact]
    public async Task Segments_node_library_with_only_the_host_changed_fills_counters_and_traits_and_its_retries_count_once()
    {
        var (user, anonymous) = (NewCustomerId(), $"a-{Guid.NewGuid():N}");
        var order = Guid.NewGuid().ToString("N");
        var email = $"ann.{order}@example.com";
        JsonArray calls =
        [
            Call("page", new JsonObject { ["anonymousId"] = anonymous, ["name"] = "Home", ["properties"] = new JsonObject { ["path"] = "/" } }),
            Call("track", new JsonObject { ["anonymousId"] = anonymous, ["event"] = "Product Viewed", ["properties"] = new JsonObject { ["sku"] = "tee-1" } }),
            Call("identify", new JsonObject { ["userId"] = user, ["anonymousId"] = anonymous, ["traits"] = new JsonObject { ["email"] = email, ["plan"] = "pro" } }),
            Call("track", new JsonObject { ["userId"] = user, ["event"] = "Order Completed", ["messageId"] = order, ["properties"] = new JsonObject { ["revenue"] = 49.5 } }),
            // The SDK retrying the same message (same messageId), as it does after a lost answer.
            Call("track", new JsonObject { ["userId"] = user, ["event"] = "Order Completed", ["messageId"] = order, ["properties"] = new JsonObject { ["revenue"] = 49.5 } }),
            Call("group", new JsonObject { ["userId"] = user, ["groupId"] = "acme" }),
        ];

        await RunAnalyticsNodeAsync(calls);
        var profile = await ApiAssert.Json(await gateway.Http(ScopedAgentKey).GetAsync($"/v1/customers/{user}"), HttpStatusCode.OK);

        Assert.Equal(1, (long)profile["counters"]!["page_view"]!["total"]!["count"]!);
        Assert.Equal(1, (long)profile["counters"]!["product_viewed"]!["total"]!["count"]!);
        Assert.Equal(1, (long)profile["counters"]!["order_completed"]!["total"]!["count"]!);
        Assert.Equal(49.5m, (decimal)profile["counters"]!["order_completed"]!["total"]!["sum"]!);
        Assert.Equal(email, (string?)profile["traits"]!["identity"]!["email"]);
        Assert.Equal("pro", (string?)profile["traits"]!["descriptive"]!["plan"]);
        Assert.Equal("acme", (string?)profile["traits"]!["descriptive"]!["groupId"]);
        Assert.Equal($"anon:{anonymous}", (string?)profile["merges"]![0]!["from"]);
    }

    [Fact]
    public async Task Each_call_maps_to_its_native_change()
    {
        var (user, previous) = (NewCustomerId(), $"p-{Guid.NewGuid():N}");
        await Send("track", $$$"""{"userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}","event":"Signed Up!","properties":{"value":3}}""");
        await Send("screen", $$$"""{"userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}","name":"Basket","properties":{"items":2}}""");
        await Send("page", $$"""{"anonymousId":"{{previous}}","messageId":"{{Guid.NewGuid()}}","category":"Docs"}""");
        await Send("alias", $$"""{"userId":"{{user}}","previousId":"{{previous}}","messageId":"{{Guid.NewGuid()}}"}""");

        var profile = await ApiAssert.Json(await gateway.Http(ScopedAgentKey).GetAsync($"/v1/customers/{user}"), HttpStatusCode.OK);
        var activity = profile["recentActivity"]!.AsArray();

        Assert.Equal(3m, (decimal)profile["counters"]!["signed_up"]!["total"]!["sum"]!);
        Assert.Equal(1, (long)profile["counters"]!["screen_view"]!["total"]!["count"]!);
        Assert.Equal(1, (long)profile["counters"]!["page_view"]!["total"]!["count"]!);
        Assert.Contains(activity, e => (string?)e!["type"] == "screen_view" && (string?)e["channel"] == "segment");
        Assert.Equal($"anon:{previous}", (string?)profile["merges"]![0]!["from"]);
    }

    [Fact]
    public async Task A_timestamp_is_corrected_by_the_senders_clock_skew()
    {
        var user = NewCustomerId();
        var now = DateTimeOffset.UtcNow;
        // The sender's clock runs two hours behind: it stamped the event 10 minutes before it sent it.
        var sentAt = now.AddHours(-2);
        await Send("batch", $$"""{"sentAt":"{{sentAt:O}}","batch":[{"type":"track","userId":"{{user}}","messageId":"{{Guid.NewGuid()}}","event":"Clicked","timestamp":"{{sentAt.AddMinutes(-10):O}}"}]}""");

        var profile = await ApiAssert.Json(await gateway.Http(ScopedAgentKey).GetAsync($"/v1/customers/{user}"), HttpStatusCode.OK);
        var at = DateTimeOffset.Parse((string)profile["recentActivity"]![0]!["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.InRange(at, now.AddMinutes(-10).AddSeconds(-5), now.AddMinutes(-10).AddSeconds(5));
    }

    [Fact]
    public async Task Invalid_messages_of_a_batch_are_reported_and_the_valid_ones_still_apply()
    {
        var user = NewCustomerId();
        var big = new string('x', 33 * 1024);
        var answer = await Send("batch", $$$"""
            {"batch":[
              {"type":"track","userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}","event":"Good One"},
              {"type":"track","userId":"{{{user}}}","event":"No Message Id"},
              {"type":"track","userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}","event":"Too Big","properties":{"blob":"{{{big}}}"}},
              {"type":"fly","userId":"{{{user}}}","messageId":"{{{Guid.NewGuid()}}}"},
              {"type":"track","messageId":"{{{Guid.NewGuid()}}}","event":"Nobody"}
            ]}
            """);

        Assert.True((bool)answer["success"]!);
        Assert.Equal(1, (int)answer["applied"]!);
        Assert.Equal([1, 2, 3, 4], answer["rejected"]!.AsArray().Select(r => (int)r!["index"]!));
        Assert.Contains("messageId is required", (string?)answer["rejected"]![0]!["error"], StringComparison.Ordinal);
        Assert.Contains("32 KiB", (string?)answer["rejected"]![1]!["error"], StringComparison.Ordinal);
        Assert.Contains("unknown type 'fly'", (string?)answer["rejected"]![2]!["error"], StringComparison.Ordinal);
        Assert.Contains("userId or anonymousId", (string?)answer["rejected"]![3]!["error"], StringComparison.Ordinal);
        var profile = await ApiAssert.Json(await gateway.Http(ScopedAgentKey).GetAsync($"/v1/customers/{user}"), HttpStatusCode.OK);
        Assert.Equal(["good_one"], profile["counters"]!.AsObject().Select(c => c.Key));
    }

    [Theory]
    [InlineData("basic-user", HttpStatusCode.OK)]
    [InlineData("body", HttpStatusCode.OK)]
    [InlineData("none", HttpStatusCode.Unauthorized)]
    [InlineData("unknown", HttpStatusCode.Unauthorized)]
    [InlineData("agent", HttpStatusCode.Forbidden)]
    public async Task The_write_key_is_a_producer_key_sent_as_the_sdks_send_it(string how, HttpStatusCode expected)
    {
        var user = NewCustomerId();
        var writeKey = how switch { "body" or "basic-user" => ProducerKey, "agent" => AgentKey, "unknown" => "not-a-key-at-all-0001", _ => null };
        var body = new JsonObject { ["userId"] = user, ["messageId"] = Guid.NewGuid().ToString(), ["event"] = "Auth Probe" };
        if (how == "body") body["writeKey"] = writeKey;
        using var http = gateway.Http(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/compat/segment/v1/track") { Content = Json(body.ToJsonString()) };
        if (how is "basic-user" or "agent" or "unknown") request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));

        using var response = await http.SendAsync(request);

        if (expected == HttpStatusCode.OK) await ApiAssert.Json(response, expected);
        else await ApiAssert.Problem(response, expected);
        var stored = await gateway.Http(AgentKey).GetAsync($"/v1/customers/{user}");
        Assert.Equal(expected == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task A_batch_over_500_KiB_is_a_413_and_a_text_plain_body_as_analytics_js_sends_it_is_read()
    {
        var huge = $$$"""{"batch":[{"type":"track","userId":"c-x","messageId":"m","event":"E","properties":{"blob":"{{{new string('x', 501 * 1024)}}}"}}]}""";
        using var http = gateway.Http(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ProducerKey + ":")));

        await ApiAssert.Problem(await http.PostAsync("/compat/segment/v1/batch", Json(huge)), HttpStatusCode.RequestEntityTooLarge);
        var user = NewCustomerId();
        using var plain = new StringContent($$"""{"userId":"{{user}}","messageId":"{{Guid.NewGuid()}}","event":"Beacon","writeKey":"{{ProducerKey}}"}""", Encoding.UTF8, "text/plain");
        await ApiAssert.Json(await gateway.Http(null).PostAsync("/compat/segment/v1/t", plain), HttpStatusCode.OK);
        await ApiAssert.Json(await gateway.Http(AgentKey).GetAsync($"/v1/customers/{user}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_page_on_another_site_may_post_and_read_the_answer_but_not_call_the_native_routes()
    {
        using var http = gateway.Http(null);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/compat/segment/v1/t");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var native = new HttpRequestMessage(HttpMethod.Options, "/v1/events");
        native.Headers.Add("Origin", "https://shop.example");
        native.Headers.Add("Access-Control-Request-Method", "POST");

        using var allowed = await http.SendAsync(preflight);
        using var refused = await http.SendAsync(native);

        Assert.Equal("*", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_single_message_that_breaks_a_rule_is_a_400_that_says_why() =>
        Assert.Contains("event is required", (string?)(await ApiAssert.Problem(await Post("track", $$"""{"userId":"{{NewCustomerId()}}","messageId":"m1"}"""), HttpStatusCode.BadRequest))["detail"], StringComparison.Ordinal);

    private async Task<JsonNode> Send(string path, string body) => await ApiAssert.Json(await Post(path, body), HttpStatusCode.OK);

    private async Task<HttpResponseMessage> Post(string path, string body)
    {
        using var http = gateway.Http(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ProducerKey + ":")));
        return await http.PostAsync($"/compat/segment/v1/{path}", Json(body));
    }

    private static JsonObject Call(string method, JsonObject message) => new() { ["method"] = method, ["message"] = message };

    private async Task RunAnalyticsNodeAsync(JsonArray calls)
    {
        var file = Path.Combine(Path.GetTempPath(), $"segment-calls-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, new JsonObject
        {
            ["host"] = gateway.BaseAddress.ToString().TrimEnd('/'), ["writeKey"] = ProducerKey, ["calls"] = calls,
        }.ToJsonString());
        try
        {
            var script = Path.Combine(RepoPaths.Root, "tests", "ProfileGrid.Gateway.Tests", "Segment", "analytics-node.mjs");
            var start = new ProcessStartInfo("node", [script, file]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
            using var node = Process.Start(start)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await node.WaitForExitAsync(timeout.Token);
            output.WriteLine(await stdout);
            output.WriteLine(await stderr);
            Assert.True(node.ExitCode == 0, $"analytics-node failed: {await stderr}");
            Assert.Contains("/v1/batch -> 200", await stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
