using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ProfileGrid.Testing;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>
/// Deliveries end to end: destinations defined through the API, events posted through the gateway, and what a webhook
/// receiver in its own process got over HTTP, its signatures checked by an implementation of the scheme written in
/// the tests (<see cref="IndependentSignature"/>).
/// </summary>
[Collection(DestinationsCollection.Name)]
public sealed class DestinationDeliveryTests(DestinationsGatewayFixture gateway) : IAsyncLifetime
{
    private readonly List<string> _defined = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Nothing of this test keeps sending into the next.
        foreach (var name in _defined) await gateway.As(AdminKey).DeleteAsync($"/v1/destinations/{name}");
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Defines destination <paramref name="name"/> delivering to hook <paramref name="name"/> of the receiver; returns its secret.</summary>
    private async Task<string> Define(string name, string filter, string purposes = "[]", int failNext = 0, bool failAlways = false, bool hang = false)
    {
        var secret = NewSecret();
        await gateway.ConfigureHook(name, secret, failNext, failAlways, hang);
        _defined.Add(name);
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/destinations/{name}", Json($$"""
            {"url":"{{gateway.HookUrl(name)}}","secret":"{{secret}}","filter":{{filter}},"purposes":{{purposes}}}
            """)), HttpStatusCode.OK);
        return secret;
    }

    private async Task Post(string customer, string type, string id, string extra = "")
    {
        using var response = await gateway.As(ProducerKey).PostAsync("/v1/events", Json($$"""{"id":"{{id}}","type":"{{type}}","customerId":"{{customer}}"{{extra}}}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private Task<ReceivedRequest[]> ReceivedAtLeast(string hook, int count, Func<ReceivedRequest, bool>? which = null, TimeSpan? timeout = null) =>
        Eventually.Async(async () => (await gateway.Received(hook)).Where(which ?? (_ => true)).ToArray(), received => received.Length >= count,
            $"hook {hook} receives {count} requests", timeout);

    private static void AssertSigned(string secret, ReceivedRequest request)
    {
        Assert.True(request.Verified, "the receiver process verified the signature");
        Assert.NotNull(request.Id);
        Assert.NotNull(request.Timestamp);
        Assert.True(IndependentSignature.Verifies(secret, request.Id!, request.Timestamp!, request.Body, request.Signature!), "the test's own implementation verifies it");
        Assert.InRange(long.Parse(request.Timestamp!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task An_event_and_the_segment_it_puts_the_customer_in_arrive_as_signed_cloudevents_in_order()
    {
        var (name, segment, type, customer) = (Unique("d-"), Unique("seg-"), Unique("ev_"), NewCustomerId());
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}", Json($$"""{"rule":"{{type}}.1h >= 1"}""")), HttpStatusCode.OK);
        var secret = await Define(name, $$"""{"segments":["{{segment}}"],"events":["{{type}}"]}""");

        await Post(customer, type, "e-1", extra: ""","value":12.5,"channel":"web","properties":{"sku":"A-1"}""");

        var received = await ReceivedAtLeast(name, 2);
        Assert.Equal(2, received.Length);
        foreach (var request in received)
        {
            AssertSigned(secret, request);
            Assert.Equal(200, request.Status);
            Assert.StartsWith("application/cloudevents+json", request.ContentType, StringComparison.Ordinal);
            var cloudEvent = request.CloudEvent;
            Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
            Assert.Equal(request.Id, cloudEvent.GetProperty("id").GetString());
            Assert.Equal("urn:profilegrid:customers", cloudEvent.GetProperty("source").GetString());
            Assert.Equal(customer, cloudEvent.GetProperty("subject").GetString());
            Assert.Equal("application/json", cloudEvent.GetProperty("datacontenttype").GetString());
            Assert.True(DateTimeOffset.Parse(cloudEvent.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-1));
            Assert.Equal(customer, cloudEvent.GetProperty("data").GetProperty("customerId").GetString());
        }

        Assert.Equal(["com.profilegrid.event", "com.profilegrid.segment.entered"], received.Select(request => request.CloudEvent.GetProperty("type").GetString()));
        var applied = received[0].CloudEvent.GetProperty("data").GetProperty("event");
        Assert.Equal("e-1", applied.GetProperty("id").GetString());
        Assert.Equal(type, applied.GetProperty("type").GetString());
        Assert.Equal(12.5m, applied.GetProperty("value").GetDecimal());
        Assert.Equal("web", applied.GetProperty("channel").GetString());
        Assert.False(applied.TryGetProperty("properties", out _), "no personal data unless the destination allows it");
        Assert.Equal(segment, received[1].CloudEvent.GetProperty("data").GetProperty("segment").GetString());
        Assert.NotEqual(received[0].Id, received[1].Id);

        // A retry of the same event by its producer is a duplicate: nothing more is owed.
        await Post(customer, type, "e-1");
        await Post(customer, type, "e-2");
        var after = await ReceivedAtLeast(name, 3);
        Assert.Equal(3, after.Length);
        Assert.Equal("e-2", after[2].CloudEvent.GetProperty("data").GetProperty("event").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Trait_and_consent_changes_arrive_with_values_only_where_personal_data_is_allowed()
    {
        var (personal, names, customer, purpose) = (Unique("d-"), Unique("d-"), NewCustomerId(), Unique("purpose_"));
        var secret = await Define(personal, """{"traits":true,"consent":true}""");
        await gateway.As(AdminKey).PutAsync($"/v1/destinations/{personal}", Json($$"""
            {"url":"{{gateway.HookUrl(personal)}}","secret":"{{secret}}","filter":{"traits":true,"consent":true},"personalData":true}
            """));
        await Define(names, """{"traits":true}""");
        var producer = gateway.As(ProducerKey);
        Assert.Equal(HttpStatusCode.OK, (await producer.PatchAsync($"/v1/customers/{customer}/traits", Json("""{"plan":"gold","rating":5}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await producer.PatchAsync($"/v1/customers/{customer}/traits", Json("""{"plan":null}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await producer.PostAsync($"/v1/customers/{customer}/consent", Json($$$"""{"consent":{"{{{purpose}}}":true}}"""))).StatusCode);

        bool About(ReceivedRequest request) => request.CloudEvent.GetProperty("subject").GetString() == customer;
        var withValues = await ReceivedAtLeast(personal, 3, About);
        Assert.Equal(["com.profilegrid.traits.changed", "com.profilegrid.traits.changed", "com.profilegrid.consent.changed"],
            withValues.Select(request => request.CloudEvent.GetProperty("type").GetString()));
        Assert.All(withValues, request => AssertSigned(secret, request));
        Assert.Equal("""{"plan":"gold","rating":5}""", withValues[0].CloudEvent.GetProperty("data").GetProperty("traits").GetRawText());
        Assert.Equal("""{"plan":null}""", withValues[1].CloudEvent.GetProperty("data").GetProperty("traits").GetRawText());
        Assert.Equal($$"""{"{{purpose}}":true}""", withValues[2].CloudEvent.GetProperty("data").GetProperty("consent").GetRawText());

        var namesOnly = await ReceivedAtLeast(names, 2, About);
        Assert.Equal(2, namesOnly.Length);
        Assert.Equal("""["plan","rating"]""", namesOnly[0].CloudEvent.GetProperty("data").GetProperty("changed").GetRawText());
        Assert.Equal("""["plan"]""", namesOnly[1].CloudEvent.GetProperty("data").GetProperty("changed").GetRawText());
        Assert.False(namesOnly[0].CloudEvent.GetProperty("data").TryGetProperty("traits", out _));
    }

    [Fact]
    public async Task A_destination_that_answers_500_then_recovers_gets_the_same_cloudevent_id_again()
    {
        var (name, type, customer) = (Unique("d-"), Unique("ev_"), NewCustomerId());
        var secret = await Define(name, $$"""{"events":["{{type}}"]}""", failNext: 2);
        using var metrics = new DestinationMeasurements(name);

        await Post(customer, type, "e-1");

        var received = await ReceivedAtLeast(name, 3);
        Assert.Equal([500, 500, 200], received.Select(request => request.Status));
        await Eventually.True(() => metrics.Count("profilegrid.destinations.delivered") == 1, "the delivery is counted");
        Assert.Equal(2, metrics.Count("profilegrid.destinations.failed"));
        Assert.Equal(2, metrics.Count("profilegrid.destinations.retrying"));
        Assert.Equal(0, metrics.Count("profilegrid.destinations.dead_lettered"));
        var latency = Assert.Single(metrics.Values("profilegrid.destinations.latency"));
        Assert.InRange(latency, 0.0, 10.0);
        Assert.Single(received.Select(request => request.Id).Distinct());
        Assert.Single(received.Select(request => request.Body).Distinct());
        Assert.All(received, request => AssertSigned(secret, request));
        Assert.Equal(received[0].Id, received[2].CloudEvent.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_becomes_a_dead_letter_and_is_redelivered_with_its_id()
    {
        var (name, type, customer) = (Unique("d-"), Unique("ev_"), NewCustomerId());
        var secret = await Define(name, $$"""{"events":["{{type}}"]}""", failAlways: true);
        var admin = gateway.As(AdminKey);

        await Post(customer, type, "e-1");

        var letters = await Eventually.Async(
            async () => await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}/dead-letters"), HttpStatusCode.OK),
            page => page["total"]!.GetValue<int>() == 1, "the delivery is dead-lettered once it is older than MaxAge (3 s)", TimeSpan.FromSeconds(20));
        var letter = letters["letters"]![0]!;
        var attempts = await gateway.Received(name);
        Assert.True(attempts.Length >= 2, $"retried before giving up ({attempts.Length} attempts)");
        Assert.All(attempts, request => Assert.Equal(500, request.Status));
        Assert.Equal(attempts[0].Id, letter["id"]!.GetValue<string>());
        Assert.Equal(customer, letter["customerId"]!.GetValue<string>());
        Assert.Equal("com.profilegrid.event", letter["type"]!.GetValue<string>());
        Assert.Equal(attempts.Length, letter["attempts"]!.GetValue<int>());
        Assert.Equal("the destination answered HTTP 500", letter["error"]!.GetValue<string>());
        Assert.Equal(attempts[0].Id, letter["event"]!["id"]!.GetValue<string>());

        await ApiAssert.Problem(await admin.PostAsync($"/v1/destinations/{name}/dead-letters/redeliver?limit=0", null), HttpStatusCode.BadRequest);
        await gateway.ConfigureHook(name, secret);
        var redelivered = await ApiAssert.Json(await admin.PostAsync($"/v1/destinations/{name}/dead-letters/redeliver", null), HttpStatusCode.OK);
        Assert.Equal(1, redelivered["redelivered"]!.GetValue<int>());

        var taken = await ReceivedAtLeast(name, 1, request => request.Status == 200);
        Assert.Equal(attempts[0].Id, Assert.Single(taken).Id);
        Assert.Equal(attempts[0].Body, taken[0].Body);
        AssertSigned(secret, taken[0]);
        var empty = await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}/dead-letters"), HttpStatusCode.OK);
        Assert.Equal(0, empty["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_destination_for_a_purpose_gets_nothing_about_customers_who_did_not_consent_to_it()
    {
        var (consented, witness, type, purpose) = (Unique("d-"), Unique("d-"), Unique("ev_"), Unique("purpose_"));
        var (yes, no, unknown) = (NewCustomerId(), NewCustomerId(), NewCustomerId());
        await Define(consented, $$"""{"events":["{{type}}"]}""", purposes: $$"""["{{purpose}}"]""");
        await Define(witness, $$"""{"events":["{{type}}"]}""");
        var producer = gateway.As(ProducerKey);
        Assert.Equal(HttpStatusCode.OK, (await producer.PostAsync($"/v1/customers/{yes}/consent", Json($$$"""{"consent":{"{{{purpose}}}":true}}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await producer.PostAsync($"/v1/customers/{no}/consent", Json($$$"""{"consent":{"{{{purpose}}}":false}}"""))).StatusCode);

        foreach (var customer in new[] { no, unknown, yes }) await Post(customer, type, "e-1");

        // The witness, which asks no consent, is told of all three: by then the other was owed whatever it will get.
        await ReceivedAtLeast(witness, 3);
        await ReceivedAtLeast(consented, 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var received = await gateway.Received(consented);
        Assert.Equal([yes], received.Select(request => request.CloudEvent.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task An_event_type_with_a_rule_is_delivered_only_for_customers_the_rule_holds_for_as_of_the_write()
    {
        var (name, abandon, add) = (Unique("d-"), Unique("abandon_"), Unique("add_"));
        var (added, browsing) = (NewCustomerId(), NewCustomerId());
        await Define(name, $$"""{"events":["{{abandon}}"],"when":"{{add}}.1h >= 1"}""");

        await Post(added, add, "a-add");
        await Post(added, abandon, "a-abandon");
        await Post(browsing, abandon, "b-abandon-1");
        // The marker: the same customer meets the rule afterwards, and its deliveries to a destination arrive in order,
        // so once its second abandon is in, the first would have been too had it been owed.
        await Post(browsing, add, "b-add");
        await Post(browsing, abandon, "b-abandon-2");

        string Delivered(ReceivedRequest request) =>
            request.CloudEvent.GetProperty("subject").GetString() + "/" + request.CloudEvent.GetProperty("data").GetProperty("event").GetProperty("id").GetString();
        await ReceivedAtLeast(name, 1, request => Delivered(request) == $"{added}/a-abandon");
        await ReceivedAtLeast(name, 1, request => Delivered(request) == $"{browsing}/b-abandon-2");
        var received = (await gateway.Received(name)).Where(request => request.Status == 200).Select(Delivered).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { $"{added}/a-abandon", $"{browsing}/b-abandon-2" }.Order(StringComparer.Ordinal), received);
    }

    [Fact]
    public async Task Deliveries_owed_while_no_queue_can_store_them_arrive_once_the_queues_can_in_order()
    {
        var (name, type, customer) = (Unique("d-"), Unique("ev_"), NewCustomerId());
        await Define(name, $$"""{"events":["{{type}}"]}""");
        gateway.FailQueueWrites = true;
        try
        {
            // Acknowledged while nothing can be queued: the writes carry what they owe in their own atomic step.
            for (var i = 0; i < 3; i++) await Post(customer, type, $"e-{i}");
            // Longer than a hand-off from the customer's activation tried (four tries in about 1.5 s) before it gave up.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.Empty(await gateway.Received(name));
        }
        finally
        {
            gateway.FailQueueWrites = false;
        }

        var received = await ReceivedAtLeast(name, 3, timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(["e-0", "e-1", "e-2"], received.Select(request => request.CloudEvent.GetProperty("data").GetProperty("event").GetProperty("id").GetString()));
        Assert.Equal(3, received.Select(request => request.Id).Distinct().Count());
    }

    [Fact]
    public async Task An_erased_customer_leaves_nothing_in_the_queues_or_dead_letters_and_nothing_about_it_is_sent_after()
    {
        var (name, type) = (Unique("d-"), Unique("ev_"));
        var (erased, witness) = (NewCustomerId(), NewCustomerId());
        var secret = await Define(name, $$"""{"events":["{{type}}"]}""", failAlways: true);
        var admin = gateway.As(AdminKey);
        static string? Subject(ReceivedRequest request) => request.CloudEvent.GetProperty("subject").GetString();
        static string? EventId(ReceivedRequest request) => request.CloudEvent.GetProperty("data").GetProperty("event").GetProperty("id").GetString();
        async Task<JsonNode> Letters() => await ApiAssert.Json(await admin.GetAsync($"/v1/destinations/{name}/dead-letters"), HttpStatusCode.OK);

        // A dead letter about each (the destination keeps answering 500 past MaxAge, 3 s), then a delivery about each
        // that is being attempted when the customer is erased.
        await Post(erased, type, "e-1");
        await Post(witness, type, "e-1");
        await Eventually.Async(Letters, page => page["total"]!.GetValue<int>() == 2, "both first deliveries are dead letters", TimeSpan.FromSeconds(20));
        await Post(erased, type, "e-2");
        await Post(witness, type, "e-2");
        // Queued within milliseconds, and attempted until MaxAge (3 s); not waited for by its first HTTP attempt, which
        // the destination's open circuit may hold back for all of that time.
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/customers/{erased}")).StatusCode);

        var letters = (await Letters())["letters"]!.AsArray().Select(letter => letter!["customerId"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(erased, letters);
        Assert.Contains(witness, letters);
        await gateway.ConfigureHook(name, secret);
        // The witness's second delivery is taken, or was a dead letter already: either way, the erased one's is neither.
        await Eventually.Async(async () => (await gateway.Received(name)).Any(request => request.Status == 200 && Subject(request) == witness && EventId(request) == "e-2")
            || (await Letters())["letters"]!.AsArray().Count(letter => letter!["customerId"]!.GetValue<string>() == witness) == 2, taken => taken,
            "the witness's second delivery is settled", TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(await gateway.Received(name), request => request.Status == 200 && Subject(request) == erased);
        Assert.DoesNotContain(erased, (await Letters())["letters"]!.AsArray().Select(letter => letter!["customerId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deliveries_about_one_customer_arrive_in_the_order_of_its_events()
    {
        var (name, type) = (Unique("d-"), Unique("ev_"));
        var (first, second) = (NewCustomerId(), NewCustomerId());
        await Define(name, $$"""{"events":["{{type}}"]}""", failNext: 3);

        var expected = new Dictionary<string, List<string>> { [first] = [], [second] = [] };
        for (var i = 0; i < 15; i++)
        {
            foreach (var customer in new[] { first, second })
            {
                await Post(customer, type, $"e-{i:D2}");
                expected[customer].Add($"e-{i:D2}");
            }
        }

        var batch = string.Join(',', Enumerable.Range(15, 10).Select(i => $$"""{"id":"e-{{i:D2}}","type":"{{type}}","customerId":"{{first}}"}"""));
        Assert.Equal(HttpStatusCode.Accepted, (await gateway.As(ProducerKey).PostAsync("/v1/events", Json($$"""{"events":[{{batch}}]}"""))).StatusCode);
        expected[first].AddRange(Enumerable.Range(15, 10).Select(i => $"e-{i:D2}"));

        var received = await ReceivedAtLeast(name, 40, request => request.Status == 200);
        foreach (var (customer, ids) in expected)
        {
            var arrived = received.Where(request => request.CloudEvent.GetProperty("subject").GetString() == customer)
                .Select(request => request.CloudEvent.GetProperty("data").GetProperty("event").GetProperty("id").GetString()!).ToList();
            Assert.Equal(ids, arrived);
        }
    }

    [Fact]
    public async Task A_hanging_destination_delays_neither_ingestion_nor_another_destination()
    {
        var (hanging, healthy, type) = (Unique("d-"), Unique("d-"), Unique("ev_"));
        await Define(hanging, $$"""{"events":["{{type}}"]}""", hang: true);
        await Define(healthy, $$"""{"events":["{{type}}"]}""");
        var customers = Enumerable.Range(0, 6).Select(_ => NewCustomerId()).ToArray();

        foreach (var customer in customers)
        {
            var started = Stopwatch.StartNew();
            await Post(customer, type, "e-1");
            // An attempt at the hanging destination takes its full second: a 202 that waited on one would take that long.
            Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(900), $"a 202 took {started.Elapsed.TotalMilliseconds:0} ms");
        }

        // Well inside the hanging destination's attempt timeout (1 s) and max age (3 s): not queued behind it.
        var received = await ReceivedAtLeast(healthy, customers.Length, timeout: TimeSpan.FromSeconds(2));
        Assert.Equal(customers.Order(StringComparer.Ordinal), received.Select(request => request.CloudEvent.GetProperty("subject").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(await gateway.Received(hanging), request => Assert.Equal(0, request.Status));
    }
}
