using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProfileGrid.Customers;
using ProfileGrid.Gateway.Realtime;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>One bad customer never stops the gateway's background work: renewal, pushes and the host go on.</summary>
public sealed class BackgroundFailureTests(PoisonedCustomerGatewayFixture gateway) : IClassFixture<PoisonedCustomerGatewayFixture>
{
    private Task<HttpResponseMessage> Post(string customerId, string eventId) => gateway.As(ProducerKey).PostAsync("/v1/events",
        Json($$"""{"id":"{{eventId}}","type":"purchase","customerId":"{{customerId}}","value":1}"""));

    [Fact]
    public async Task A_customer_whose_grain_fails_every_watch_stops_neither_the_renewal_nor_the_other_pushes()
    {
        var (poisoned, healthy) = (PoisonedCustomerFilter.Prefix + Guid.NewGuid().ToString("N"), NewCustomerId());
        using var counters = new RealtimeCounters(gateway.Services);
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);

        var refused = await Assert.ThrowsAsync<HubException>(() => agent.Watch(poisoned));
        await agent.Watch(healthy);

        Assert.EndsWith("HubException: The profile of this customer cannot be read right now; the watch is kept and renewed. Retry to get the profile.",
            refused.Message, StringComparison.Ordinal);
        await counters.WaitUntil(c => c.Failures(RealtimeMetrics.Renew) >= 3);
        // The healthy customer's subscription is lost with its activation; only the renewal can bring its change.
        await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(healthy, "e1")).StatusCode);
        var (view, _) = await AgentClient.Next(agent.ProfileChanged);
        Assert.Equal(healthy, view.GetProperty("customerId").GetString());
        Assert.Equal(1, view.GetProperty("seq").GetInt64());
        var failuresSoFar = counters.Failures(RealtimeMetrics.Renew);
        await counters.WaitUntil(c => c.Failures(RealtimeMetrics.Renew) >= failuresSoFar + 2);
        Assert.Equal(0, counters.Failures(RealtimeMetrics.RenewalRound));
        Assert.False(gateway.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task A_notification_that_cannot_be_pushed_is_counted_and_hides_nothing_after_it()
    {
        var customer = NewCustomerId();
        using var counters = new RealtimeCounters(gateway.Services);
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);
        var broken = new CustomerProfile(customer, 1, DateTimeOffset.UtcNow, [], [], null, null, [], null!, []);

        await gateway.Services.GetRequiredService<CustomerPushes>().ProfileChanged(broken, []);

        Assert.Equal(1, counters.Failures(RealtimeMetrics.ProfileChanged));
        Assert.Equal(HttpStatusCode.Accepted, (await Post(customer, "e1")).StatusCode);
        var (view, _) = await AgentClient.Next(agent.ProfileChanged);
        Assert.Equal(1, view.GetProperty("seq").GetInt64());
        Assert.Equal("e1", (await AgentClient.Next(agent.Activity)).GetProperty("event").GetProperty("id").GetString());
    }
}
