using System.Net;
using Microsoft.Extensions.DependencyInjection;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Renewal: watches survive a grain moving, and windows roll forward on screen without new events.</summary>
public sealed class WatchRenewalTests(FastRenewalGatewayFixture gateway) : IClassFixture<FastRenewalGatewayFixture>
{
    private Task<HttpResponseMessage> Post(string customerId, string eventId) => gateway.As(ProducerKey).PostAsync("/v1/events",
        Json($$"""{"id":"{{eventId}}","type":"purchase","customerId":"{{customerId}}","value":1}"""));

    [Fact]
    public async Task A_watched_customer_with_recent_events_is_pushed_again_as_time_passes()
    {
        var customer = NewCustomerId();
        Assert.Equal(HttpStatusCode.Accepted, (await Post(customer, "e1")).StatusCode);
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        var watched = (await agent.Watch(customer))!.Value;

        var (refresh, _) = await AgentClient.Next(agent.ProfileChanged);
        var (again, _) = await AgentClient.Next(agent.ProfileChanged);

        Assert.Equal(1, refresh.GetProperty("seq").GetInt64());
        Assert.Equal(1, again.GetProperty("seq").GetInt64());
        Assert.True(refresh.GetProperty("asOf").GetDateTimeOffset() > watched.GetProperty("asOf").GetDateTimeOffset());
        Assert.True(again.GetProperty("asOf").GetDateTimeOffset() > refresh.GetProperty("asOf").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_customer_without_recent_events_is_not_pushed_again()
    {
        var customer = NewCustomerId();
        await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json("""{"plan":"gold"}"""));
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.False(agent.ProfileChanged.Reader.TryRead(out _), "a customer with nothing to roll was pushed again");
    }

    [Fact]
    public async Task After_the_grain_moves_the_watch_is_renewed_and_a_missed_change_is_pushed()
    {
        var customer = NewCustomerId();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);

        // Deactivating every idle grain drops the customer's in-memory subscriptions, as a move to another silo does.
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(customer, "e1")).StatusCode);

        var (view, _) = await AgentClient.Next(agent.ProfileChanged);
        Assert.Equal(1, view.GetProperty("seq").GetInt64());
        Assert.Equal(1, view.GetProperty("counters").GetProperty("purchase").GetProperty("total").GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, (await Post(customer, "e2")).StatusCode);
        var (next, _) = await AgentClient.Next(agent.ProfileChanged, pushed => pushed.View.GetProperty("seq").GetInt64() == 2);
        Assert.Equal(2, next.GetProperty("counters").GetProperty("purchase").GetProperty("total").GetProperty("count").GetInt32());
    }
}
