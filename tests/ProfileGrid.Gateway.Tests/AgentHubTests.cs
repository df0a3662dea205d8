using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;
using Xunit.Abstractions;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class AgentHubTests(GatewayFixture gateway, ITestOutputHelper output)
{
    private readonly HttpClient _producer = gateway.As(ProducerKey);

    private Task<HttpResponseMessage> Post(string customerId, string eventId, decimal value = 1m) =>
        _producer.PostAsync("/v1/events", Json(
            $$"""{"id":"{{eventId}}","type":"purchase","customerId":"{{customerId}}","value":{{value.ToString(CultureInfo.InvariantCulture)}}}"""));

    private int Subscriptions(string customerId) =>
        gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<ICustomerGrain>(customerId).GetSubscriptionCount().GetAwaiter().GetResult();

    [Fact]
    public async Task A_watcher_gets_the_profile_and_the_activity_of_every_new_event()
    {
        var customer = NewCustomerId();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        Assert.Null(await agent.Watch(customer));

        Assert.Equal(HttpStatusCode.Accepted, (await Post(customer, "e1", 19.99m)).StatusCode);

        var (view, _) = await AgentClient.Next(agent.ProfileChanged);
        Assert.Equal(customer, view.GetProperty("customerId").GetString());
        Assert.Equal(1, view.GetProperty("seq").GetInt64());
        Assert.Equal(19.99m, view.GetProperty("counters").GetProperty("purchase").GetProperty("1h").GetProperty("sum").GetDecimal());
        Assert.Equal(1, view.GetProperty("counters").GetProperty("purchase").GetProperty("lastHourByMinute")[59].GetInt32());
        var activity = await AgentClient.Next(agent.Activity);
        Assert.Equal(customer, activity.GetProperty("customerId").GetString());
        Assert.Equal(1, activity.GetProperty("seq").GetInt64());
        Assert.Equal("e1", activity.GetProperty("event").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Watch_returns_the_current_profile_with_its_seq()
    {
        var customer = NewCustomerId();
        await Post(customer, "e1");
        await Post(customer, "e2");
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);

        var view = (await agent.Watch(customer))!.Value;

        Assert.Equal(2, view.GetProperty("seq").GetInt64());
        Assert.Equal(2, view.GetProperty("counters").GetProperty("purchase").GetProperty("total").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task No_push_arrives_after_unwatch()
    {
        var (left, other) = (NewCustomerId(), NewCustomerId());
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(left);
        await agent.Watch(other);
        await agent.Unwatch(left);

        await Post(left, "e1");
        await Post(other, "e1");

        // Pushes for one customer arrive in order over one connection, so once the second customer's push is in,
        // one for the unwatched customer would have been too.
        var (view, _) = await AgentClient.Next(agent.ProfileChanged);
        Assert.Equal(other, view.GetProperty("customerId").GetString());
        Assert.Equal(1, Subscriptions(other));
        Assert.Equal(0, Subscriptions(left));
    }

    [Theory]
    [InlineData(AgentClient.KeyTransport.Bearer)]
    [InlineData(AgentClient.KeyTransport.WebSocketQuery)]
    public async Task A_token_is_accepted_the_ways_signalr_clients_send_it(AgentClient.KeyTransport transport)
    {
        await using var agent = AgentClient.Create(gateway, await AgentClient.TokenFor(gateway, AgentKey), transport);

        await agent.Connection.StartAsync();

        Assert.Null(await agent.Watch(NewCustomerId()));
    }

    [Fact]
    public async Task An_agent_key_is_accepted_in_the_x_api_key_header()
    {
        await using var agent = AgentClient.Create(gateway, AgentKey, AgentClient.KeyTransport.Header);

        await agent.Connection.StartAsync();

        Assert.Null(await agent.Watch(NewCustomerId()));
    }

    [Theory]
    [InlineData(AgentClient.KeyTransport.Bearer)]
    [InlineData(AgentClient.KeyTransport.Query)]
    [InlineData(AgentClient.KeyTransport.WebSocketQuery)]
    public async Task An_api_key_is_refused_anywhere_but_the_x_api_key_header(AgentClient.KeyTransport transport)
    {
        await using var agent = AgentClient.Create(gateway, AgentKey, transport);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => agent.Connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-configured-key-at-all", HttpStatusCode.Unauthorized)]
    [InlineData(ProducerKey, HttpStatusCode.Forbidden)]
    public async Task The_hub_refuses_a_missing_unknown_or_producer_key(string? key, HttpStatusCode status)
    {
        await using var agent = AgentClient.Create(gateway, key);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => agent.Connection.StartAsync());

        Assert.Equal(status, refused.StatusCode);
    }

    [Fact]
    public async Task An_admin_may_watch_too()
    {
        await using var admin = await AgentClient.ConnectAsync(gateway, AdminKey);

        Assert.Null(await admin.Watch(NewCustomerId()));
    }

    [Fact]
    public async Task A_malformed_customer_id_is_refused_with_the_rule()
    {
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);

        var refused = await Assert.ThrowsAsync<HubException>(() => agent.Watch("a/b"));

        Assert.Contains("The customer id must be 1 to 128 printable ASCII characters", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_watchers_on_one_gateway_share_one_grain_subscription()
    {
        var customer = NewCustomerId();
        var agents = new List<AgentClient>();
        for (var i = 0; i < 3; i++)
        {
            var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
            await agent.Watch(customer);
            agents.Add(agent);
        }

        await Post(customer, "e1");

        foreach (var agent in agents)
        {
            var (view, _) = await AgentClient.Next(agent.ProfileChanged);
            Assert.Equal(1, view.GetProperty("seq").GetInt64());
        }

        Assert.Equal(1, Subscriptions(customer));
        foreach (var agent in agents) await agent.DisposeAsync();
    }

    [Fact]
    public async Task Watchers_are_told_who_else_is_watching()
    {
        var customer = NewCustomerId();
        await using var first = await AgentClient.ConnectAsync(gateway, AgentKey);
        await using var second = await AgentClient.ConnectAsync(gateway, SecondAgentKey);

        await first.Watch(customer);
        await second.Watch(customer);

        static bool Both(JsonElement message) => message.GetProperty("viewers").GetArrayLength() == 2;
        var seenByFirst = await AgentClient.Next(first.Viewers, Both);
        Assert.Equal(["second agent", "test agent"], seenByFirst.GetProperty("viewers").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(customer, seenByFirst.GetProperty("customerId").GetString());
        await AgentClient.Next(second.Viewers, Both);

        await second.Unwatch(customer);
        var afterLeave = await AgentClient.Next(first.Viewers, message => message.GetProperty("viewers").GetArrayLength() == 1);
        Assert.Equal("test agent", afterLeave.GetProperty("viewers")[0].GetString());
    }

    [Fact]
    public async Task An_agent_on_a_second_gateway_sees_events_posted_to_the_first()
    {
        var customer = NewCustomerId();
        await using var second = new ClientGatewayFactory(gateway.SiloGatewayPort);
        await using var agentOnSecond = await AgentClient.ConnectAsync(second, AgentKey);
        await using var agentOnFirst = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agentOnSecond.Watch(customer);
        await agentOnFirst.Watch(customer);

        await Post(customer, "e1", 7m);

        var (view, _) = await AgentClient.Next(agentOnSecond.ProfileChanged);
        Assert.Equal(7m, view.GetProperty("counters").GetProperty("purchase").GetProperty("total").GetProperty("sum").GetDecimal());
        await AgentClient.Next(agentOnFirst.ProfileChanged);
        Assert.Equal(2, Subscriptions(customer));
    }

    /// <summary>A measurement, not a timed assertion: figures go to the output and TestResults/push-latency.txt.</summary>
    [Fact]
    public async Task Push_latency_is_measured()
    {
        const int samples = 300;
        var customer = NewCustomerId();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);
        var latencies = new List<double>(samples);

        for (var i = 0; i < samples; i++)
        {
            var sent = DateTimeOffset.UtcNow;
            Assert.Equal(HttpStatusCode.Accepted, (await Post(customer, $"e{i}")).StatusCode);
            var (view, receivedAt) = await AgentClient.Next(agent.ProfileChanged);
            Assert.Equal(i + 1, view.GetProperty("seq").GetInt64());
            latencies.Add((receivedAt - sent).TotalMilliseconds);
        }

        latencies.Sort();
        var report = string.Create(CultureInfo.InvariantCulture,
            $"push latency (POST sent -> profileChanged received, in-process, long polling), n={samples}: " +
            $"p50 {latencies[samples / 2]:F1} ms, p99 {latencies[samples * 99 / 100]:F1} ms, max {latencies[^1]:F1} ms");
        output.WriteLine(report);
        Directory.CreateDirectory("TestResults");
        await File.WriteAllTextAsync(Path.Combine("TestResults", "push-latency.txt"), report + Environment.NewLine);
    }
}
