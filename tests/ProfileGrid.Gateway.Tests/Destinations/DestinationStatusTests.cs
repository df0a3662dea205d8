using System.Net;
using System.Security.Cryptography;
using ProfileGrid.Testing;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>
/// What people see of deliveries: a destination's status across its queues (admins), and what a customer's
/// destinations were told (agents and admins, never the bodies), with deliveries made over HTTP to the receiver process.
/// </summary>
[Collection(DestinationsCollection.Name)]
public sealed class DestinationStatusTests(DestinationsGatewayFixture gateway) : IAsyncLifetime
{
    private readonly List<string> _defined = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var name in _defined) await gateway.As(AdminKey).DeleteAsync($"/v1/destinations/{name}");
    }

    [Fact]
    public async Task A_destination_s_status_counts_what_its_queues_did_and_a_customer_s_card_lists_what_it_was_told()
    {
        var (name, type, customer, other) = (Unique("d-"), Unique("ev_"), NewCustomerId(), NewCustomerId());
        await Define(name, $$"""{"events":["{{type}}"]}""", failNext: 1);
        using var metrics = new DestinationMeasurements(name);
        var admin = gateway.As(AdminKey);
        var idle = await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}/status"), HttpStatusCode.OK);
        Assert.Equal(0, idle["delivered"]!.GetValue<long>());
        Assert.Null(idle["lastError"]);
        Assert.Equal(0, idle["latency"]!["count"]!.GetValue<long>());
        Assert.Null(idle["latency"]!["p50Ms"]);

        await Post(customer, type, "e-1");
        // The hook fails its first request: this one's, taken at the retry.
        await Eventually.Async(async () => (await gateway.Received(name)).Length, count => count == 2, "the first delivery is taken at its retry");
        await Post(customer, type, "e-2");
        await Post(other, type, "e-1");

        var status = await Eventually.Async(
            async () => await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}/status"), HttpStatusCode.OK),
            read => read["delivered"]!.GetValue<long>() == 3, "the three deliveries are counted");
        Assert.Equal(name, status["destination"]!.GetValue<string>());
        Assert.Equal(0, status["depth"]!.GetValue<int>());
        Assert.Equal(1, status["failedAttempts"]!.GetValue<long>());
        Assert.Equal(0, status["retrying"]!.GetValue<int>());
        Assert.Equal(0, status["deadLettered"]!.GetValue<long>());
        Assert.Equal("the destination answered HTTP 500", status["lastError"]!["error"]!.GetValue<string>());
        var latency = status["latency"]!;
        Assert.Equal(3, latency["count"]!.GetValue<long>());
        var (p50, p95, p99, slowest) = (latency["p50Ms"]!.GetValue<double>(), latency["p95Ms"]!.GetValue<double>(), latency["p99Ms"]!.GetValue<double>(), latency["slowestMs"]!.GetValue<double>());
        Assert.True(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 == slowest, $"p50 {p50}, p95 {p95}, p99 {p99}, slowest {slowest}");
        // The meter has what the workbook charts where histograms lose their buckets: the latencies in the status'
        // buckets (sub-second here: no retry waited a second), and what failed.
        Assert.Equal(new string?[] { "http_500" }, metrics.TagValues("profilegrid.destinations.attempt_errors", "error"));
        var buckets = metrics.TagValues("profilegrid.destinations.latency_buckets", "le");
        Assert.Equal(3, buckets.Length);
        Assert.All(buckets, le => Assert.True(double.Parse(le!, System.Globalization.CultureInfo.InvariantCulture) <= 1, $"le {le}"));
        // The fixture's destinations have two queues.
        Assert.Equal([0, 1], status["queues"]!.AsArray().Select(queue => queue!["partition"]!.GetValue<int>()));

        foreach (var key in new[] { AgentKey, AdminKey })
        {
            var told = await ApiAssert.Json(await gateway.As(key).GetAsync($"/v1/customers/{customer}/deliveries"), HttpStatusCode.OK);
            Assert.Equal(customer, told["customerId"]!.GetValue<string>());
            var deliveries = told["deliveries"]!.AsArray();
            Assert.Equal(2, deliveries.Count);
            Assert.All(deliveries, delivery =>
            {
                Assert.Equal(name, delivery!["destination"]!.GetValue<string>());
                Assert.Equal("com.profilegrid.event", delivery["type"]!.GetValue<string>());
                Assert.Equal("delivered", delivery["status"]!.GetValue<string>());
                Assert.StartsWith("msg_", delivery["id"]!.GetValue<string>(), StringComparison.Ordinal);
                // Only what a person needs to see: no body (it may hold personal data).
                Assert.Equal(["id", "destination", "type", "status", "queuedAt", "finishedAt", "attempts"], delivery.AsObject().Select(property => property.Key));
            });
            // Newest first: the second event's delivery, then the first's, which took a retry.
            Assert.Equal([1, 2], deliveries.Select(delivery => delivery!["attempts"]!.GetValue<int>()));
            var received = await gateway.Received(name);
            var ids = received.Where(request => request.Status == 200 && request.CloudEvent.GetProperty("subject").GetString() == customer).Select(request => request.Id).Reverse();
            Assert.Equal(ids, deliveries.Select(delivery => delivery!["id"]!.GetValue<string>()));
        }

        var limited = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}/deliveries?limit=1"), HttpStatusCode.OK);
        Assert.Equal(1, Assert.Single(limited["deliveries"]!.AsArray())!["attempts"]!.GetValue<int>());
        var nobody = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{NewCustomerId()}/deliveries"), HttpStatusCode.OK);
        Assert.Empty(nobody["deliveries"]!.AsArray());
    }

    [Fact]
    public async Task A_delivery_given_up_on_shows_as_dead_lettered_with_its_error()
    {
        var (name, type, customer) = (Unique("d-"), Unique("ev_"), NewCustomerId());
        await Define(name, $$"""{"events":["{{type}}"]}""", failAlways: true);

        await Post(customer, type, "e-1");

        var status = await Eventually.Async(
            async () => await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/destinations/{name}/status"), HttpStatusCode.OK),
            read => read["deadLettered"]!.GetValue<long>() == 1, "the delivery is dead-lettered once older than MaxAge (3 s)", TimeSpan.FromSeconds(20));
        var attempts = (await gateway.Received(name)).Length;
        Assert.Equal(0, status["delivered"]!.GetValue<long>());
        Assert.Equal(0, status["retrying"]!.GetValue<int>());
        Assert.Equal(attempts, status["failedAttempts"]!.GetValue<long>());
        Assert.Equal("the destination answered HTTP 500", status["lastError"]!["error"]!.GetValue<string>());
        var told = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}/deliveries"), HttpStatusCode.OK);
        var delivery = Assert.Single(told["deliveries"]!.AsArray())!;
        Assert.Equal("dead-lettered", delivery["status"]!.GetValue<string>());
        Assert.Equal(attempts, delivery["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_input_and_unknown_destinations_are_problems()
    {
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/destinations/{Unique("d-")}/status"), HttpStatusCode.NotFound);
        var agent = gateway.As(AgentKey);
        var customer = NewCustomerId();
        foreach (var limit in new[] { "0", "257", "-1" })
        {
            var problem = await ApiAssert.Problem(await agent.GetAsync($"/v1/customers/{customer}/deliveries?limit={limit}"), HttpStatusCode.BadRequest);
            Assert.Equal("limit", problem["field"]!.GetValue<string>());
        }

        var badId = await ApiAssert.Problem(await agent.GetAsync("/v1/customers/a%3Ab/deliveries"), HttpStatusCode.BadRequest);
        Assert.Equal("id", badId["field"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await agent.GetAsync($"/v1/customers/{customer}/deliveries?limit=many")).StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ProducerKey, HttpStatusCode.Forbidden)]
    public async Task Only_agent_and_admin_keys_read_what_a_customer_s_destinations_were_told(string? key, HttpStatusCode expected) =>
        Assert.Equal(expected, (await gateway.As(key).GetAsync($"/v1/customers/{NewCustomerId()}/deliveries")).StatusCode);

    private async Task Define(string name, string filter, int failNext = 0, bool failAlways = false)
    {
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await gateway.ConfigureHook(name, secret, failNext, failAlways);
        _defined.Add(name);
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/destinations/{name}", Json($$"""
            {"url":"{{gateway.HookUrl(name)}}","secret":"{{secret}}","filter":{{filter}}}
            """)), HttpStatusCode.OK);
    }

    private async Task Post(string customer, string type, string id)
    {
        using var response = await gateway.As(ProducerKey).PostAsync("/v1/events", Json($$"""{"id":"{{id}}","type":"{{type}}","customerId":"{{customer}}"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}
