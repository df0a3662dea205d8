using System.Net;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Identity resolution through the API: events naming only an <c>anonymousId</c>, <c>POST /v1/identify</c> linking it
/// (and device and account identifiers) to a customer and merging the anonymous profile in, lookups by any identifier,
/// conflicts, masking and erasure.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class IdentityMergeTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Identify_merges_the_anonymous_profile_and_the_anonymous_id_then_resolves_to_the_customer()
    {
        var (customer, anonymous) = (NewCustomerId(), NewAnonymousId());
        await Post(new JsonObject { ["id"] = "a1", ["type"] = "page_view", ["anonymousId"] = anonymous });
        await Post(new JsonObject { ["id"] = "a2", ["type"] = "add_to_cart", ["anonymousId"] = anonymous, ["value"] = 25 });
        await Post(new JsonObject { ["id"] = "k1", ["type"] = "page_view", ["customerId"] = customer });

        var identified = await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous, ["traits"] = new JsonObject { ["plan"] = "pro" } });
        var profile = await Read($"/v1/customers/{customer}");
        var byAnonymousKey = await Read($"/v1/customers/anon:{anonymous}");
        var byQuery = await Read($"/v1/customers?anon={anonymous}");

        Assert.Equal([$"anon:{anonymous}"], identified["merged"]!.AsArray().Select(node => (string)node!));
        Assert.Equal(2, (long)profile["counters"]!["page_view"]!["1h"]!["count"]!);
        Assert.Equal(25m, (decimal)profile["counters"]!["add_to_cart"]!["1h"]!["sum"]!);
        Assert.Equal($"anon:{anonymous}", (string?)profile["merges"]![0]!["from"]);
        Assert.Equal("test producer", (string?)profile["merges"]![0]!["by"]);
        Assert.Equal((long)identified["seq"]!, (long)profile["seq"]!);
        Assert.Equal(customer, (string?)byAnonymousKey["customerId"]);
        Assert.Equal(customer, (string?)byQuery["customerId"]);
    }

    [Fact]
    public async Task After_the_merge_events_naming_only_the_anonymous_id_land_on_the_customer_and_retries_count_once()
    {
        var (customer, anonymous) = (NewCustomerId(), NewAnonymousId());
        await Post(new JsonObject { ["id"] = "p1", ["type"] = "purchase", ["anonymousId"] = anonymous, ["value"] = 10 });
        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous });

        var retried = await Post(new JsonObject { ["id"] = "p1", ["type"] = "purchase", ["anonymousId"] = anonymous, ["value"] = 10 });
        var next = await Post(new JsonObject { ["id"] = "p2", ["type"] = "purchase", ["anonymousId"] = anonymous, ["value"] = 5 });
        var profile = await Read($"/v1/customers/{customer}");

        Assert.Equal((0, 1), ((int)retried["accepted"]!, (int)retried["duplicates"]!));
        Assert.Equal(1, (int)next["accepted"]!);
        Assert.Equal(2, (long)profile["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(15m, (decimal)profile["counters"]!["purchase"]!["total"]!["sum"]!);
    }

    [Fact]
    public async Task Identifying_again_changes_nothing_more()
    {
        var (customer, anonymous) = (NewCustomerId(), NewAnonymousId());
        await Post(new JsonObject { ["id"] = "i1", ["type"] = "purchase", ["anonymousId"] = anonymous, ["value"] = 10 });

        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous });
        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous });
        var profile = await Read($"/v1/customers/{customer}");

        Assert.Equal(1, (long)profile["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Single(profile["merges"]!.AsArray());
    }

    [Fact]
    public async Task An_anonymous_id_linked_to_one_customer_is_a_409_for_another_and_changes_nothing()
    {
        var (first, second, anonymous) = (NewCustomerId(), NewCustomerId(), NewAnonymousId());
        await Post(new JsonObject { ["id"] = "c1", ["type"] = "purchase", ["anonymousId"] = anonymous, ["value"] = 10 });
        await Identify(new JsonObject { ["customerId"] = first, ["anonymousId"] = anonymous });

        var problem = await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify",
            Json(new JsonObject { ["customerId"] = second, ["anonymousId"] = anonymous, ["traits"] = new JsonObject { ["plan"] = "x" } }.ToJsonString())), HttpStatusCode.Conflict);

        Assert.Contains($"anon:{anonymous}", (string?)problem["detail"], StringComparison.Ordinal);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/{second}"), HttpStatusCode.NotFound);
        Assert.Equal(first, (string?)(await Read($"/v1/customers/anon:{anonymous}"))["customerId"]);
    }

    [Fact]
    public async Task Device_and_account_identifiers_link_and_find_the_customer_and_conflict_with_another()
    {
        var (customer, other) = (NewCustomerId(), NewCustomerId());
        var (device, account) = ($"device:{Guid.NewGuid():N}", $"account:{Guid.NewGuid():N}");

        var identified = await Identify(new JsonObject { ["customerId"] = customer, ["identifiers"] = new JsonArray(device, account), ["traits"] = new JsonObject { ["plan"] = "pro" } });
        var conflict = await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify",
            Json(new JsonObject { ["customerId"] = other, ["identifiers"] = new JsonArray(account) }.ToJsonString())), HttpStatusCode.Conflict);

        Assert.Equal([device, account], identified["linked"]!.AsArray().Select(node => (string)node!));
        Assert.Equal(customer, (string?)(await Read($"/v1/customers/{device}"))["customerId"]);
        Assert.Equal(customer, (string?)(await Read($"/v1/customers?account={account["account:".Length..]}"))["customerId"]);
        Assert.Equal("identifiers", (string?)conflict["field"]);
    }

    [Theory]
    [InlineData("""{"customerId":"c-1","identifiers":"device:x"}""", "identifiers is an array")]
    [InlineData("""{"customerId":"c-1","identifiers":["fax:1"]}""", "identifiers[0]: unknown identifier type 'fax'")]
    [InlineData("""{"customerId":"c-1","identifiers":[1]}""", "identifiers[0] must be a string")]
    [InlineData("""{"customerId":"c-1","identifiers":["device:a b"]}""", "identifiers[0]: device identifiers are 1 to 128")]
    public async Task Bad_identifiers_are_a_400_that_says_why(string body, string reason)
    {
        var problem = await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(body)), HttpStatusCode.BadRequest);

        Assert.Contains(reason, (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_twenty_identifiers_are_a_400()
    {
        var many = new JsonArray([.. Enumerable.Range(0, 21).Select(i => JsonValue.Create($"device:d{i}"))]);

        await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify",
            Json(new JsonObject { ["customerId"] = NewCustomerId(), ["identifiers"] = many }.ToJsonString())), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Email_identifiers_in_the_merge_history_are_masked_without_the_pii_scope()
    {
        var (customer, anonymous) = (NewCustomerId(), NewAnonymousId());
        var email = $"{Guid.NewGuid():N}@example.com";
        await Post(new JsonObject { ["id"] = "m1", ["type"] = "page_view", ["anonymousId"] = anonymous });
        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous, ["identifiers"] = new JsonArray($"email:{email}") });

        var masked = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        var plain = await ApiAssert.Json(await gateway.As(ScopedAgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal([$"anon:{anonymous}", $"email:{email[0]}•••@•••"], masked["merges"]![0]!["identifiers"]!.AsArray().Select(node => (string)node!));
        Assert.Equal([$"anon:{anonymous}", $"email:{email}"], plain["merges"]![0]!["identifiers"]!.AsArray().Select(node => (string)node!));
    }

    [Fact]
    public async Task The_export_lists_every_identifier_and_the_merge_history()
    {
        var (customer, anonymous) = (NewCustomerId(), NewAnonymousId());
        var device = $"device:{Guid.NewGuid():N}";
        await Post(new JsonObject { ["id"] = "x1", ["type"] = "page_view", ["anonymousId"] = anonymous });
        await Identify(new JsonObject
        {
            ["customerId"] = customer, ["anonymousId"] = anonymous, ["identifiers"] = new JsonArray(device),
            ["traits"] = new JsonObject { ["email"] = "Zoe@Example.com" },
        });

        var export = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.OK);

        Assert.Equal(new[] { $"anon:{anonymous}", device, "email:zoe@example.com" }.Order(StringComparer.Ordinal), export["identifiers"]!.AsArray().Select(node => (string)node!));
        Assert.Equal($"anon:{anonymous}", (string?)export["profile"]!["merges"]![0]!["from"]);
        Assert.Equal([$"anon:{anonymous}", device], export["profile"]!["merges"]![0]!["identifiers"]!.AsArray().Select(node => (string)node!));
    }

    [Fact]
    public async Task Erasing_the_customer_releases_the_anonymous_id_it_took_in()
    {
        var (customer, anonymous) = (NewCustomerId(), NewAnonymousId());
        await Post(new JsonObject { ["id"] = "e1", ["type"] = "page_view", ["anonymousId"] = anonymous });
        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous });

        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/anon:{anonymous}"), HttpStatusCode.NotFound);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers?anon={anonymous}"), HttpStatusCode.NotFound);
    }

    private async Task<JsonNode> Post(JsonObject customerEvent)
    {
        customerEvent["timestamp"] = DateTimeOffset.UtcNow.ToString("O");
        return await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(customerEvent.ToJsonString())), HttpStatusCode.Accepted);
    }

    private async Task<JsonNode> Identify(JsonObject body) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(body.ToJsonString())), HttpStatusCode.OK);

    private async Task<JsonNode> Read(string route) => await ApiAssert.Json(await gateway.As(ScopedAgentKey).GetAsync(route), HttpStatusCode.OK);

    private static string NewAnonymousId() => $"a-{Guid.NewGuid():N}";
}
