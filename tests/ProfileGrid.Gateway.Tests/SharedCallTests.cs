using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Ingestion;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Requests for a customer whose grain call is in flight wait in the gateway and share the next call
/// (<see cref="CustomerCalls"/>): each is answered with its own events' outcomes, a producer's events never share a
/// call with another producer's, and a shared call that fails fails each request in it, whose retries then apply
/// every event once. While the gateway is busy, a first call waits for the work queued before it, and requests that
/// arrive meanwhile go with it.
/// </summary>
public sealed class SharedCallTests(HeldWritesGatewayFixture gateway) : IClassFixture<HeldWritesGatewayFixture>
{
    private readonly CustomerCalls _calls = gateway.Services.GetRequiredService<CustomerCalls>();

    private static StringContent Events(string customer, params string[] ids) => Json(
        $$"""{"events":[{{string.Join(",", ids.Select(id => $$"""{"id":"{{id}}","type":"purchase","customerId":"{{customer}}","value":1}"""))}}]}""");

    [Fact]
    public async Task Requests_that_arrive_while_a_call_is_in_flight_share_the_next_one_and_each_gets_its_own_outcomes()
    {
        var customer = NewCustomerId();
        var producer = gateway.As(ProducerKey);
        gateway.Hold(customer);
        Task<HttpResponseMessage> first, second, third, otherProducer;
        try
        {
            first = producer.PostAsync("/v1/events", Events(customer, "a1"));
            await Until(() => gateway.ApplyCalls(customer) == 1);

            // One at a time, so that they wait in a known order (the order in which they reach the gateway).
            second = producer.PostAsync("/v1/events", Events(customer, "b1", "b2"));
            await Until(() => _calls.Waiting == 1);
            third = producer.PostAsync("/v1/events", Events(customer, "b1", "c1"));
            await Until(() => _calls.Waiting == 2);
            otherProducer = gateway.As(SecondProducerKey).PostAsync("/v1/events", Events(customer, "b1"));
            await Until(() => _calls.Waiting == 3);
            Assert.Equal(1, gateway.ApplyCalls(customer));
        }
        finally
        {
            gateway.Release();
        }

        Assert.Equal("""{"accepted":1,"duplicates":0,"rejected":[]}""", (await ApiAssert.Json(await first, HttpStatusCode.Accepted)).ToJsonString());
        Assert.Equal("""{"accepted":2,"duplicates":0,"rejected":[]}""", (await ApiAssert.Json(await second, HttpStatusCode.Accepted)).ToJsonString());
        // b1 arrived first in the second request, which the shared call carries ahead of the third's events.
        Assert.Equal("""{"accepted":1,"duplicates":1,"rejected":[]}""", (await ApiAssert.Json(await third, HttpStatusCode.Accepted)).ToJsonString());
        // Ids are the producer's own: the other producer's b1 is a new event, and went in a call of its own.
        Assert.Equal("""{"accepted":1,"duplicates":0,"rejected":[]}""", (await ApiAssert.Json(await otherProducer, HttpStatusCode.Accepted)).ToJsonString());
        Assert.Equal(3, gateway.ApplyCalls(customer));
        Assert.Equal(0, _calls.Waiting);

        var profile = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        Assert.Equal(5, (int)profile["counters"]!["purchase"]!["total"]!["count"]!);
    }

    [Fact]
    public async Task A_shared_call_that_fails_fails_each_request_in_it_and_their_retries_apply_every_event_once()
    {
        var customer = NewCustomerId();
        var producer = gateway.As(ProducerKey);
        gateway.Hold(customer);
        Task<HttpResponseMessage> first, second, third;
        try
        {
            first = producer.PostAsync("/v1/events", Events(customer, "a1"));
            await Until(() => gateway.ApplyCalls(customer) == 1);
            second = producer.PostAsync("/v1/events", Events(customer, "b1", "b2"));
            await Until(() => _calls.Waiting == 1);
            third = producer.PostAsync("/v1/events", Events(customer, "c1"));
            await Until(() => _calls.Waiting == 2);
            gateway.FailWrites = true;
        }
        finally
        {
            gateway.Release();
        }

        try
        {
            foreach (var refused in new[] { first, second, third }) await ApiAssert.Problem(await refused, HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            gateway.FailWrites = false;
        }

        Assert.Equal(2, gateway.ApplyCalls(customer));
        var agent = gateway.As(AgentKey);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/v1/customers/{customer}")).StatusCode);

        var retries = await Task.WhenAll(
            producer.PostAsync("/v1/events", Events(customer, "a1")),
            producer.PostAsync("/v1/events", Events(customer, "b1", "b2")),
            producer.PostAsync("/v1/events", Events(customer, "c1")));
        var accepted = 0;
        foreach (var retry in retries) accepted += (int)(await ApiAssert.Json(retry, HttpStatusCode.Accepted))["accepted"]!;
        Assert.Equal(4, accepted);

        var profile = await ApiAssert.Json(await agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        Assert.Equal(4, (int)profile["counters"]!["purchase"]!["total"]!["count"]!);
    }

    [Fact]
    public async Task While_the_gateway_is_busy_a_first_call_goes_after_the_work_queued_before_it_with_the_requests_that_arrived_meanwhile()
    {
        var customer = NewCustomerId();
        var deferred = new List<Action>();
        var calls = new CustomerCalls(gateway.Services.GetRequiredService<CustomerGrains>(), busy: () => true, defer: deferred.Add);

        var first = calls.ApplyAsync(customer, "gathering", [Event("a1")], alone: true);
        var second = calls.ApplyAsync(customer, "gathering", [Event("b1"), Event("a1")], alone: true);
        var third = calls.ApplyAsync(customer, "gathering", [Event("c1")], alone: true);
        Assert.Equal(3, calls.Waiting);
        Assert.False(first.IsCompleted);

        Assert.Single(deferred)();
        var results = await Task.WhenAll(first, second, third);

        Assert.Equal(1, gateway.ApplyCalls(customer));
        Assert.Equal(0, calls.Waiting);
        Assert.Equal([EventOutcome.Accepted], results[0].Outcomes);
        // a1 went first in the shared call, so the second request's a1 is its duplicate.
        Assert.Equal([EventOutcome.Accepted, EventOutcome.Duplicate], results[1].Outcomes);
        Assert.Equal([EventOutcome.Accepted], results[2].Outcomes);
        Assert.All(results, result => Assert.Equal(results[0].Seq, result.Seq));
    }

    [Theory]
    [InlineData(false, true)] // an idle gateway
    [InlineData(true, false)] // a request with events for several customers
    public async Task A_first_call_goes_at_once_while_the_gateway_is_idle_and_for_a_request_for_several_customers(bool busy, bool alone)
    {
        var customer = NewCustomerId();
        var calls = new CustomerCalls(
            gateway.Services.GetRequiredService<CustomerGrains>(), busy: () => busy, defer: _ => throw new InvalidOperationException("The call was deferred."));

        var result = await calls.ApplyAsync(customer, "gathering", [Event("a1")], alone);

        Assert.Equal([EventOutcome.Accepted], result.Outcomes);
        Assert.Equal(1, gateway.ApplyCalls(customer));
    }

    [Fact]
    public async Task A_deferred_call_runs_in_the_context_of_the_request_that_started_it()
    {
        var trace = new AsyncLocal<string>();
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        trace.Value = "request-1";

        CustomerCalls.DeferBehindQueuedWork(() => seen.SetResult(trace.Value));

        Assert.Equal("request-1", await seen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static CustomerEvent Event(string id) => new(id, "purchase", DateTimeOffset.UtcNow, 1m, null, null);

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }
}
