using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using ProfileGrid.Gateway.Realtime;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The hub under clients that ask too much, or race: a cap per connection, and no push lost to a newcomer.</summary>
[Collection(GatewayCollection.Name)]
public sealed class HubAbuseTests(GatewayFixture gateway)
{
    private readonly HttpClient _producer = gateway.As(ProducerKey);

    [Fact]
    public async Task A_connection_watches_at_most_the_cap_and_an_unwatch_frees_a_slot()
    {
        const int cap = ConnectionWatches.MaxCustomersPerConnection;
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        var watched = Enumerable.Range(0, cap).Select(_ => NewCustomerId()).ToList();
        foreach (var customer in watched) await agent.Watch(customer);
        await agent.Watch(watched[0]);

        var refused = await Assert.ThrowsAsync<HubException>(() => agent.Watch(NewCustomerId()));

        Assert.EndsWith(
            $"HubException: A connection may watch at most {cap} customers at once; unwatch one before watching another.",
            refused.Message, StringComparison.Ordinal);
        await using var otherConnection = await AgentClient.ConnectAsync(gateway, AgentKey);
        Assert.Null(await otherConnection.Watch(NewCustomerId()));
        await agent.Unwatch(watched[0]);
        Assert.Null(await agent.Watch(NewCustomerId()));
    }

    [Fact]
    public async Task A_watcher_sees_every_seq_while_another_agent_watches_and_unwatches_in_a_loop()
    {
        const int events = 200;
        var customer = NewCustomerId();
        await using var first = await AgentClient.ConnectAsync(gateway, AgentKey);
        await using var second = await AgentClient.ConnectAsync(gateway, SecondAgentKey);
        await first.Watch(customer);
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            var rounds = 0;
            while (!stop.IsCancellationRequested)
            {
                await second.Watch(customer);
                await second.Unwatch(customer);
                rounds++;
            }

            return rounds;
        });

        for (var i = 1; i <= events; i++)
        {
            var response = await _producer.PostAsync("/v1/events", Json($$"""{"id":"e{{i}}","type":"page_view","customerId":"{{customer}}"}"""));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var views = new List<JsonElement>();
        while (views.Count == 0 || views[^1].GetProperty("seq").GetInt64() < events) views.Add((await AgentClient.Next(first.ProfileChanged)).View);
        var activity = new List<JsonElement>();
        while (activity.Count < events) activity.Add(await AgentClient.Next(first.Activity));
        await stop.CancelAsync();
        Assert.True(await churn > 0, "the second agent never watched");

        var bySeq = views.GroupBy(view => view.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, events).Select(seq => (long)seq), bySeq.Select(group => group.Key));
        Assert.All(bySeq, group => Assert.Single(group.Select(view => view.GetRawText()).Distinct()));
        Assert.Equal(Enumerable.Range(1, events).Select(seq => (long)seq), activity.Select(message => message.GetProperty("seq").GetInt64()));
        Assert.Equal(Enumerable.Range(1, events).Select(i => $"e{i}"), activity.Select(message => message.GetProperty("event").GetProperty("id").GetString()));
    }
}
