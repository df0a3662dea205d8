using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ProfileGrid.Segments;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Live segment members through the gateway: sizes, paged members, the back-fill of customers stored before the
/// definition, and <c>segmentChanged</c> pushes to agents watching the segment (masked without the <c>pii</c> scope).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SegmentMembersTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_segment_shows_its_size_and_its_members_page_by_page_in_id_order()
    {
        var type = NewType();
        var name = await Define($"{type}.total >= 1");
        var customers = Enumerable.Range(0, 5).Select(_ => NewCustomerId()).ToArray();
        foreach (var customer in customers) await Post(customer, type);

        await WaitUntil(async () => (long)(await Segment(name))["size"]! == customers.Length);
        var first = await Page($"/v1/segments/{name}/members?limit=2");
        var second = await Page($"/v1/segments/{name}/members?limit=2&after={(string?)first["next"]}");
        var third = await Page($"/v1/segments/{name}/members?limit=2&after={(string?)second["next"]}");

        var paged = new[] { first, second, third }.SelectMany(page => page["members"]!.AsArray().Select(member => (string)member!["customerId"]!)).ToArray();
        Assert.Equal(customers.Order(StringComparer.Ordinal), paged);
        Assert.Equal([2, 2, 1], new[] { first, second, third }.Select(page => page["members"]!.AsArray().Count));
        Assert.Null(third["next"]);
        Assert.All(first["members"]!.AsArray(), member => Assert.NotNull((string?)member!["since"]));
    }

    [Fact]
    public async Task Customers_stored_before_the_definition_are_back_filled_with_progress_shown()
    {
        var type = NewType();
        var inside = Enumerable.Range(0, 4).Select(_ => NewCustomerId()).ToArray();
        var outside = NewCustomerId();
        foreach (var customer in inside) await Post(customer, type);
        await Post(outside, "page_view");

        var name = await Define($"{type}.total >= 1");
        await WaitUntil(async () => (string?)(await Segment(name))["backfill"]!["state"] == "done");
        var segment = await Segment(name);
        var members = await Page($"/v1/segments/{name}/members?limit=1000");

        Assert.Equal(inside.Length, (long)segment["size"]!);
        Assert.Equal(inside.Order(StringComparer.Ordinal), members["members"]!.AsArray().Select(member => (string)member!["customerId"]!));
        Assert.True((long)segment["backfill"]!["visited"]! >= inside.Length + 1);
        Assert.NotNull((string?)segment["backfill"]!["finishedAt"]);
    }

    [Fact]
    public async Task An_agent_watching_a_segment_sees_customers_enter_and_leave_with_why()
    {
        var type = NewType();
        var name = await Define($"{type}.1h >= 1 and purchase.1h == 0");
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        var watched = await agent.Connection.InvokeAsync<JsonElement>("WatchSegment", name);
        var customer = NewCustomerId();

        await Post(customer, type);
        var entered = await AgentClient.Next(agent.SegmentChanged, message => message.GetProperty("customerId").GetString() == customer);
        await Post(customer, "purchase");
        var left = await AgentClient.Next(agent.SegmentChanged, message => message.GetProperty("customerId").GetString() == customer);

        Assert.Equal(name, watched.GetProperty("name").GetString());
        Assert.Equal(0, watched.GetProperty("size").GetInt64());
        Assert.Equal(name, entered.GetProperty("segment").GetString());
        Assert.True(entered.GetProperty("entered").GetBoolean());
        Assert.Equal([$"{type}.1h = 1", "purchase.1h = 0"], entered.GetProperty("reasons").EnumerateArray().Select(reason => reason.GetString()));
        Assert.False(left.GetProperty("entered").GetBoolean());
        Assert.Empty(left.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task No_segment_push_arrives_after_unwatch()
    {
        var type = NewType();
        var name = await Define($"{type}.total >= 1");
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await using var other = await AgentClient.ConnectAsync(gateway, AdminKey);
        await agent.Connection.InvokeAsync<JsonElement>("WatchSegment", name);
        await other.Connection.InvokeAsync<JsonElement>("WatchSegment", name);

        await agent.Connection.InvokeAsync("UnwatchSegment", name);
        var customer = NewCustomerId();
        await Post(customer, type);

        // The admin still watching hears it; by then the agent would have too.
        await AgentClient.Next(other.SegmentChanged, message => message.GetProperty("customerId").GetString() == customer);
        Assert.False(agent.SegmentChanged.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Identity_trait_values_in_the_reasons_are_masked_without_the_pii_scope()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var name = await Define($"trait.email == \"{email}\"");
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await using var scoped = await AgentClient.ConnectAsync(gateway, ScopedAgentKey);
        await agent.Connection.InvokeAsync<JsonElement>("WatchSegment", name);
        await scoped.Connection.InvokeAsync<JsonElement>("WatchSegment", name);
        var customer = NewCustomerId();

        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json($$"""{"email":"{{email}}"}""")), HttpStatusCode.OK);
        var masked = await AgentClient.Next(agent.SegmentChanged, message => message.GetProperty("customerId").GetString() == customer);
        var plain = await AgentClient.Next(scoped.SegmentChanged, message => message.GetProperty("customerId").GetString() == customer);

        Assert.Equal(["trait.email = \"•••\""], masked.GetProperty("reasons").EnumerateArray().Select(reason => reason.GetString()));
        Assert.Equal([$"trait.email = \"{email}\""], plain.GetProperty("reasons").EnumerateArray().Select(reason => reason.GetString()));
    }

    [Theory]
    [InlineData("Not A Name", "A segment name is")]
    [InlineData("no-such-segment-at-all", "No segment 'no-such-segment-at-all' is defined.")]
    public async Task Watching_a_bad_or_unknown_segment_is_refused_with_why(string name, string message)
    {
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);

        var refused = await Assert.ThrowsAsync<HubException>(() => agent.Connection.InvokeAsync<JsonElement>("WatchSegment", name));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=a%2Fb", "after")]
    public async Task A_bad_page_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var name = await Define("purchase.total >= 1", waitForCatalog: false);

        var problem = await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}/members?{query}"), HttpStatusCode.BadRequest);

        Assert.Contains(parameter, problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_of_an_unknown_segment_are_a_404() =>
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync("/v1/segments/no-such-segment-here/members"), HttpStatusCode.NotFound);

    private async Task<string> Define(string rule, bool waitForCatalog = true)
    {
        var name = $"m-{Guid.NewGuid():N}"[..24];
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json(new JsonObject { ["rule"] = rule }.ToJsonString())), HttpStatusCode.OK);
        // Every silo evaluates a definition at each write within the catalog's freshness.
        if (waitForCatalog) await Task.Delay(SegmentCatalog.Freshness + TimeSpan.FromMilliseconds(200));
        return name;
    }

    private async Task<JsonNode> Segment(string name) => await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{name}"), HttpStatusCode.OK);

    private async Task<JsonNode> Page(string route) => await ApiAssert.Json(await gateway.As(AgentKey).GetAsync(route), HttpStatusCode.OK);

    private async Task Post(string customer, string type) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json($$"""
            {"id":"{{Guid.NewGuid()}}","type":"{{type}}","customerId":"{{customer}}","value":10,"timestamp":"{{DateTimeOffset.UtcNow:O}}"}
            """)), HttpStatusCode.Accepted);

    /// <summary>An event type no other test sends, so that a segment over it holds only this test's customers.</summary>
    private static string NewType() => $"t_{Guid.NewGuid():N}"[..16];

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not come true within 20 s.");
            await Task.Delay(100);
        }
    }
}
