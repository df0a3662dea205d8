using System.Net;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Erasure reaches everything a customer ever linked (issue 25): the anonymous profiles merged into it, every
/// identifier it held (a former email, devices and accounts from later identifies, any number of anonymous ids),
/// its segment memberships; and nothing can link to it afterwards. Identify is all or nothing, and alias takes any
/// previous id. Each test here failed before the identity protocol was rebuilt.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ErasureReachTests(GatewayFixture gateway)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Erasure_releases_every_identifier_the_customer_ever_held_and_nothing_links_to_it_afterwards()
    {
        var (customer, other) = (NewCustomerId(), NewCustomerId());
        var (first, second) = ($"a1-{_run}", $"a2-{_run}");
        var (device, account, account2) = ($"device:d-{_run}", $"account:a-{_run}", $"account:b-{_run}");
        var (oldEmail, newEmail) = ($"old.{_run}@example.com", $"new.{_run}@example.com");
        await Post(new JsonObject { ["id"] = "a1", ["type"] = "page_view", ["anonymousId"] = first });
        await Identify(new JsonObject
        {
            ["customerId"] = customer, ["anonymousId"] = first, ["identifiers"] = new JsonArray(device, account),
            ["traits"] = new JsonObject { ["email"] = oldEmail },
        });
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json($$"""{"email":"{{newEmail}}"}""")), HttpStatusCode.OK);
        await Post(new JsonObject { ["id"] = "a2", ["type"] = "page_view", ["anonymousId"] = second });
        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = second, ["identifiers"] = new JsonArray(account2) });

        // The replaced email is released at once: another customer may take it and is found by it.
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{other}/traits", Json($$"""{"email":"{{oldEmail}}"}""")), HttpStatusCode.OK);
        Assert.Equal(other, await Found($"/v1/customers?email={oldEmail}"));
        var export = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.OK);
        string[] current = [$"anon:{first}", $"anon:{second}", account, account2, device, $"email:{newEmail}"];
        Assert.Equal(current.Order(StringComparer.Ordinal), Strings(export["identifiers"]!));
        Assert.Equal([$"email:{oldEmail}"], export["formerIdentifiers"]!.AsArray().Select(node => (string)node!["key"]!));
        Assert.Equal([$"anon:{first}", $"anon:{second}"], Strings(export["mergedProfiles"]!));

        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        foreach (var identifier in current) Assert.Null(await Found($"/v1/customers/{identifier}"));
        Assert.Equal(other, await Found($"/v1/customers?email={oldEmail}"));
        // Every way of linking to the erased customer is refused and stores nothing.
        foreach (var body in new[]
        {
            new JsonObject { ["customerId"] = customer, ["anonymousId"] = first },
            new JsonObject { ["customerId"] = customer, ["identifiers"] = new JsonArray(device) },
            new JsonObject { ["customerId"] = customer, ["traits"] = new JsonObject { ["email"] = newEmail } },
        })
        {
            var refused = await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(body.ToJsonString())), HttpStatusCode.Conflict);
            Assert.Contains("was erased", (string?)refused["detail"], StringComparison.Ordinal);
        }

        var compat = await Compat("identify", new JsonObject { ["userId"] = customer, ["anonymousId"] = second, ["messageId"] = $"m-{_run}" });
        Assert.Equal(0, (int)compat["applied"]!);
        Assert.Contains("was erased", (string?)compat["rejected"]![0]!["error"], StringComparison.Ordinal);
        foreach (var identifier in current) Assert.Null(await Found($"/v1/customers/{identifier}"));
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_erased_customer_never_seen_cannot_be_linked_to()
    {
        var customer = NewCustomerId();
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify",
            Json(new JsonObject { ["customerId"] = customer, ["identifiers"] = new JsonArray($"device:n-{_run}") }.ToJsonString())), HttpStatusCode.Conflict);

        Assert.Null(await Found($"/v1/customers/device:n-{_run}"));
    }

    [Fact]
    public async Task An_identify_refused_because_the_anonymous_profile_cannot_be_merged_leaves_the_index_as_it_was()
    {
        var customer = NewCustomerId();
        var anonymous = $"x-{_run}";
        await Post(new JsonObject { ["id"] = "x1", ["type"] = "page_view", ["anonymousId"] = anonymous });
        // The anonymous profile itself is erased: it refuses to be merged anywhere.
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/anon:{anonymous}")).StatusCode);

        var refused = await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(new JsonObject
        {
            ["customerId"] = customer, ["anonymousId"] = anonymous, ["identifiers"] = new JsonArray($"device:x-{_run}"),
            ["traits"] = new JsonObject { ["plan"] = "pro" },
        }.ToJsonString())), HttpStatusCode.Conflict);

        Assert.Contains($"anon:{anonymous}", (string?)refused["detail"], StringComparison.Ordinal);
        Assert.Null(await Found($"/v1/customers?anon={anonymous}"));
        Assert.Null(await Found($"/v1/customers/device:x-{_run}"));
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_merged_anonymous_profile_leaves_its_segments_and_the_customer_takes_its_place()
    {
        var segment = $"viewers-{_run}";
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}", Json($$"""{"rule":"page_view_{{_run}}.total >= 1"}""")), HttpStatusCode.OK);
        var (customer, anonymous) = (NewCustomerId(), $"s-{_run}");
        // The definition reaches every evaluation within the catalog's freshness.
        await Testing.Eventually.Async(async () =>
        {
            await Post(new JsonObject { ["id"] = $"v-{Guid.NewGuid():N}", ["type"] = $"page_view_{_run}", ["anonymousId"] = anonymous });
            return await Members(segment);
        }, members => members.Contains($"anon:{anonymous}"), "the anonymous profile entered the segment");

        await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = anonymous });

        await Testing.Eventually.Async(() => Members(segment), members => members.SequenceEqual([customer]), "the customer replaced the anonymous profile in the segment");
    }

    [Fact]
    public async Task Alias_merges_a_known_user_id_into_the_new_one_and_an_unknown_previous_id_as_an_anonymous_id()
    {
        var (previous, current, next) = ($"p-{_run}", $"u-{_run}", $"n-{_run}");
        await Post(new JsonObject { ["id"] = "p1", ["type"] = "purchase", ["customerId"] = previous, ["value"] = 30 });
        await Post(new JsonObject { ["id"] = "u1", ["type"] = "purchase", ["customerId"] = current, ["value"] = 12 });

        var aliased = await Compat("alias", new JsonObject { ["userId"] = current, ["previousId"] = previous, ["messageId"] = $"al-{_run}" });
        var unknown = await Compat("alias", new JsonObject { ["userId"] = next, ["previousId"] = $"cookie-{_run}", ["messageId"] = $"al2-{_run}" });
        var merged = await ApiAssert.Json(await gateway.As(ScopedAgentKey).GetAsync($"/v1/customers/{current}"), HttpStatusCode.OK);

        Assert.Equal((1, 1), ((int)aliased["applied"]!, (int)unknown["applied"]!));
        Assert.Equal((2, 42m), ((int)merged["counters"]!["purchase"]!["total"]!["count"]!, (decimal)merged["counters"]!["purchase"]!["total"]!["sum"]!));
        Assert.Equal(previous, (string?)merged["merges"]![0]!["from"]);
        Assert.Equal(current, await Found($"/v1/customers/{previous}"));
        Assert.Equal(next, await Found($"/v1/customers?anon=cookie-{_run}"));
    }

    [Fact]
    public async Task Every_anonymous_profile_merged_in_is_exported_and_released_however_many()
    {
        var customer = NewCustomerId();
        var anonymous = Enumerable.Range(0, 150).Select(i => $"m{i}-{_run}").ToList();
        foreach (var id in anonymous) await Identify(new JsonObject { ["customerId"] = customer, ["anonymousId"] = id });

        var export = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.OK);
        Assert.Equal(150, export["mergedProfiles"]!.AsArray().Count);
        Assert.Equal(customer, await Found($"/v1/customers?anon={anonymous[0]}"));
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        Assert.Null(await Found($"/v1/customers?anon={anonymous[0]}"));
        Assert.Null(await Found($"/v1/customers?anon={anonymous[^1]}"));
    }

    private async Task<string[]> Members(string segment) =>
        Strings((await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{segment}/members?limit=1000"), HttpStatusCode.OK))["members"]!
            .AsArray().Select(member => member!["customerId"]!).ToArray());

    private static string[] Strings(JsonNode array) => [.. array.AsArray().Select(node => (string)node!)];

    private static string[] Strings(IEnumerable<JsonNode> nodes) => [.. nodes.Select(node => (string)node!)];

    /// <summary>The customer an identifier (or id) finds, or null when it finds none (404).</summary>
    private async Task<string?> Found(string route)
    {
        using var response = await gateway.As(ScopedAgentKey).GetAsync(route);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return (string?)(await ApiAssert.Json(response, HttpStatusCode.OK))["customerId"];
    }

    private async Task Post(JsonObject customerEvent) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(customerEvent.ToJsonString())), HttpStatusCode.Accepted);

    private async Task Identify(JsonObject body) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(body.ToJsonString())), HttpStatusCode.OK);

    /// <summary>One Segment-spec message, sent as a batch (whose answer lists a refused message rather than failing the call).</summary>
    private async Task<JsonNode> Compat(string type, JsonObject message)
    {
        message["type"] = type;
        var batch = new JsonObject { ["writeKey"] = ProducerKey, ["batch"] = new JsonArray(message) };
        return await ApiAssert.Json(await gateway.As(null).PostAsync("/compat/segment/v1/batch", Json(batch.ToJsonString())), HttpStatusCode.OK);
    }
}
