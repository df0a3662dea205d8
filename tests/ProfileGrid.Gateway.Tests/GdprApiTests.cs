using System.Net;
using ProfileGrid.Customers;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary><c>GET /v1/customers/{id}/export</c> and <c>DELETE /v1/customers/{id}</c>: admin keys only.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GdprApiTests(GatewayFixture gateway)
{
    // An email of this test's own: an identifier links to one customer only, and the tests share a gateway.
    private readonly string _email = $"ann.{Guid.NewGuid():N}@example.com";

    public static TheoryData<string, string?, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string?, HttpStatusCode>();
        foreach (var (method, ok) in new[] { ("GET", HttpStatusCode.OK), ("DELETE", HttpStatusCode.NoContent) })
        {
            data.Add(method, null, HttpStatusCode.Unauthorized);
            data.Add(method, "not-a-configured-key-at-all", HttpStatusCode.Unauthorized);
            data.Add(method, ProducerKey, HttpStatusCode.Forbidden);
            data.Add(method, AgentKey, HttpStatusCode.Forbidden);
            data.Add(method, ScopedAgentKey, HttpStatusCode.Forbidden);
            data.Add(method, AdminKey, ok);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Only_admin_keys_export_and_erase(string method, string? key, HttpStatusCode expected)
    {
        var customer = await KnownCustomer();
        using var request = new HttpRequestMessage(new HttpMethod(method), method == "GET" ? $"/v1/customers/{customer}/export" : $"/v1/customers/{customer}");

        using var response = await gateway.As(key).SendAsync(request);

        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            await ApiAssert.Problem(response, expected);
            // Refused: nothing was erased.
            await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);
        }
        else
        {
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_export_holds_the_profile_and_says_what_else_is_stored()
    {
        var customer = await KnownCustomer();

        var export = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.OK);

        Assert.Equal(["exportedAt", "formerIdentifiers", "identifiers", "mergedProfiles", "profile", "stored"], export.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal([$"email:{_email}"], export["identifiers"]!.AsArray().Select(node => (string)node!));
        Assert.Equal(customer, (string?)export["profile"]!["customerId"]);
        Assert.Equal(_email, (string?)export["profile"]!["traits"]!["identity"]!["email"]);
        Assert.Equal(2, (int)export["profile"]!["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(2, (int)export["stored"]!["rememberedEventIdDigests"]!);
        Assert.True((int)export["stored"]!["storedBytes"]! > 0);
    }

    [Fact]
    public async Task After_erasure_nothing_is_shown_and_late_events_and_traits_are_refused()
    {
        var customer = await KnownCustomer();
        await using var agent = await AgentClient.ConnectAsync(gateway, AgentKey);
        await agent.Watch(customer);

        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        var pushed = await AgentClient.Next(agent.Erased);
        Assert.Equal(customer, pushed.GetProperty("customerId").GetString());
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.NotFound);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.NotFound);
        var late = await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(Events(customer, "p1", "p3"))), HttpStatusCode.Accepted);
        Assert.Equal(0, (int)late["accepted"]!);
        Assert.Equal([CustomerLimits.ErasedRule, CustomerLimits.ErasedRule], late["rejected"]!.AsArray().Select(r => (string?)r!["error"]));
        var traits = await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json("""{"name":"Ann"}""")), HttpStatusCode.OK);
        Assert.Empty(traits["changed"]!["traits"]!.AsArray());
        Assert.Equal(CustomerLimits.ErasedRule, (string?)traits["rejected"]![0]!["error"]);
        Assert.Equal(HttpStatusCode.NoContent, (await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_malformed_id_is_refused()
    {
        await ApiAssert.Problem(await gateway.As(AdminKey).DeleteAsync($"/v1/customers/{new string('x', 300)}"), HttpStatusCode.BadRequest);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/customers/{new string('x', 300)}/export"), HttpStatusCode.BadRequest);
    }

    private static string Events(string customer, params string[] ids) =>
        $$"""{"events":[{{string.Join(',', ids.Select(id => $$"""{"id":"{{id}}","type":"purchase","customerId":"{{customer}}","value":2}"""))}}]}""";

    /// <summary>A customer with two purchases and identity traits.</summary>
    private async Task<string> KnownCustomer()
    {
        var customer = NewCustomerId();
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(Events(customer, "p1", "p2"))), HttpStatusCode.Accepted);
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits",
            Json($$"""{"name":"Ann Lee","email":"{{_email}}"}""")), HttpStatusCode.OK);
        return customer;
    }
}
