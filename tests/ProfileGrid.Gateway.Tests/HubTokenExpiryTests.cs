using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Gateway.Realtime;
using ProfileGrid.Testing;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A hub connection lives no longer than the token it was opened with: at expiry the gateway closes it, over
/// WebSockets and long polling alike, so its watches end and nothing more is pushed to it. A connection opened with
/// an API key has no expiry and stays.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class HubTokenExpiryTests(GatewayFixture gateway)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(8);

    [Theory]
    [InlineData(AgentClient.KeyTransport.WebSocketQuery)]
    [InlineData(AgentClient.KeyTransport.Bearer)]
    public async Task A_connection_is_closed_when_its_token_expires_and_its_watches_end_with_it(AgentClient.KeyTransport transport)
    {
        var customer = NewCustomerId();
        // The key's connection, opened alongside, has no expiry. A first connection over the transport, opened before
        // the short token's time starts, has the gateway warm, so the token outlives its connection's start and watch.
        await using var keyed = AgentClient.Create(gateway, AgentKey, AgentClient.KeyTransport.Header);
        await keyed.Connection.StartAsync();
        await keyed.Watch(customer);
        await using (var warm = AgentClient.Create(gateway, await AgentClient.TokenFor(gateway, AgentKey), transport))
        {
            await warm.Connection.StartAsync();
        }

        var now = DateTimeOffset.UtcNow;
        var token = TestTokens.Sign("test agent", "agent", now.AddMinutes(-1), now + Lifetime);
        await using var agent = AgentClient.Create(gateway, token, transport);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await agent.Connection.StartAsync();

        Assert.Null(await agent.Watch(customer));
        Assert.Equal(2, Watchers(customer).Length);

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(DateTime.UtcNow >= TestTokens.Read(token).ValidTo, "closed only once the token had expired");
        Assert.Equal(HubConnectionState.Disconnected, agent.Connection.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.Watch(customer));
        await Eventually.True(() => Watchers(customer).Length == 1, "the closed connection's watch ends: nothing is pushed to it any more");

        // The key's connection stays, and gets the next change.
        Assert.Equal(HttpStatusCode.Accepted, (await gateway.As(ProducerKey).PostAsync("/v1/events",
            Json($$"""{"id":"e1","type":"page_view","customerId":"{{customer}}"}"""))).StatusCode);
        var (view, _) = await AgentClient.Next(keyed.ProfileChanged);
        Assert.Equal(1, view.GetProperty("seq").GetInt64());
        Assert.Equal(HubConnectionState.Connected, keyed.Connection.State);
        Assert.Equal(0, agent.ProfileChanged.Reader.Count);
    }

    private string[] Watchers(string customer) => gateway.Services.GetRequiredService<CustomerSubscriptions>().Connections(customer);
}
