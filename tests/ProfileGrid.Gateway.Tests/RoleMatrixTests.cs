using System.Net;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Every route × no key / wrong key / producer / agent / admin.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RoleMatrixTests(GatewayFixture gateway)
{
    public static TheoryData<string, string, string?, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string?, HttpStatusCode>();
        (string Method, string Route, HttpStatusCode Ok, string[] Roles)[] routes =
        [
            ("POST", "/v1/events", HttpStatusCode.Accepted, ["producer", "admin"]),
            ("POST", "/v1/identify", HttpStatusCode.OK, ["producer", "admin"]),
            ("PATCH", "/v1/customers/{id}/traits", HttpStatusCode.OK, ["producer", "admin"]),
            ("GET", "/v1/customers/{id}", HttpStatusCode.OK, ["agent", "admin"]),
        ];
        foreach (var (method, route, ok, roles) in routes)
        {
            data.Add(method, route, null, HttpStatusCode.Unauthorized);
            data.Add(method, route, "not-a-configured-key-at-all", HttpStatusCode.Unauthorized);
            foreach (var role in new[] { "producer", "agent", "admin" })
                data.Add(method, route, role, roles.Contains(role) ? ok : HttpStatusCode.Forbidden);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_route_answers_each_key_as_its_role_allows(string method, string route, string? key, HttpStatusCode expected)
    {
        var customer = NewCustomerId();
        await ApiAssert.Json(await gateway.As(AdminKey).PatchAsync($"/v1/customers/{customer}/traits", Json("""{"plan":"gold"}""")), HttpStatusCode.OK);
        var apiKey = key switch { "producer" => ProducerKey, "agent" => AgentKey, "admin" => AdminKey, _ => key };
        using var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{id}", customer, StringComparison.Ordinal));
        request.Content = method == "GET" ? null : Json(method switch
        {
            "PATCH" => """{"plan":"silver"}""",
            _ when route == "/v1/identify" => $$"""{"customerId":"{{customer}}","traits":{"plan":"silver"} }""",
            _ => $$"""{"id":"{{Guid.NewGuid()}}","type":"page_view","customerId":"{{customer}}"}""",
        });

        var response = await gateway.As(apiKey).SendAsync(request);

        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var problem = await ApiAssert.Problem(response, expected);
            Assert.Null(problem["traits"]);
        }
        else
        {
            var body = (await ApiAssert.Json(response, expected)).AsObject();
            Assert.Equal(ExpectedFields(method, route), body.Select(field => field.Key).Order(StringComparer.Ordinal));
            if (method != "GET") Assert.DoesNotContain("plan", body.ToJsonString().Replace("\"traits\":[\"plan\"]", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        if (expected == HttpStatusCode.Unauthorized) Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    /// <summary>Writes answer an acknowledgement; only reads carry profile data.</summary>
    private static string[] ExpectedFields(string method, string route) => (method, route) switch
    {
        ("GET", _) => ["asOf", "channels", "consent", "consentDetails", "counters", "customerId", "firstSeen", "lastSeen", "recentActivity", "segments", "seq", "traits", "value"],
        (_, "/v1/events") => ["accepted", "duplicates", "rejected"],
        _ => ["changed", "customerId", "rejected", "seq"],
    };

    [Fact]
    public async Task A_forbidden_write_changes_nothing()
    {
        var customer = NewCustomerId();

        var response = await gateway.As(AgentKey).PostAsync("/v1/events", Json($$"""{"id":"e","type":"page_view","customerId":"{{customer}}"}"""));

        await ApiAssert.Problem(response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.As(AgentKey).GetAsync($"/v1/customers/{customer}")).StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_endpoints_need_no_key(string path)
    {
        var response = await gateway.As(null).GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_route_needs_a_key_too()
    {
        await ApiAssert.Problem(await gateway.As(null).GetAsync("/v1/nothing-here"), HttpStatusCode.Unauthorized);
    }
}
