using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>The Orleans dashboard at <c>/orleans/</c>: admin keys only, by HTTP Basic (a browser) or <c>X-Api-Key</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OrleansDashboardTests(GatewayFixture gateway)
{
    public static TheoryData<string, string, HttpStatusCode> Credentials()
    {
        var data = new TheoryData<string, string, HttpStatusCode>();
        foreach (var route in new[] { "/orleans/", "/orleans/DashboardCounters", "/orleans/index.min.js" })
        {
            data.Add(route, "none", HttpStatusCode.Unauthorized);
            data.Add(route, "basic:not-a-configured-key-at-all", HttpStatusCode.Unauthorized);
            data.Add(route, "basic-malformed", HttpStatusCode.Unauthorized);
            data.Add(route, "basic:" + ProducerKey, HttpStatusCode.Forbidden);
            data.Add(route, "basic:" + AgentKey, HttpStatusCode.Forbidden);
            data.Add(route, "header:" + AgentKey, HttpStatusCode.Forbidden);
            data.Add(route, "basic:" + AdminKey, HttpStatusCode.OK);
            data.Add(route, "header:" + AdminKey, HttpStatusCode.OK);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task Only_admin_keys_open_the_dashboard(string route, string credentials, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, route);
        Present(request, credentials);

        using var response = await gateway.CreateClient().SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            // A browser prompts for Basic credentials only when challenged for them.
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
            await ApiAssert.Problem(response, expected);
        }
        else if (expected == HttpStatusCode.Forbidden)
        {
            await ApiAssert.Problem(response, expected);
        }
    }

    [Fact]
    public async Task Basic_credentials_open_nothing_but_the_dashboard()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/customers/{NewCustomerId()}");
        Present(request, "basic:" + AdminKey);

        using var response = await gateway.CreateClient().SendAsync(request);

        await ApiAssert.Problem(response, HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task The_dashboard_shows_the_silo_and_the_customer_grains_it_holds()
    {
        var customers = Enumerable.Range(0, 3).Select(_ => NewCustomerId()).ToList();
        foreach (var customer in customers)
        {
            await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events",
                Json($$"""{"id":"{{Guid.NewGuid()}}","type":"page_view","customerId":"{{customer}}"}""")), HttpStatusCode.Accepted);
        }

        // The dashboard's counters are collected from the silos every second: wait for a round that has seen them.
        var counters = await Counters();
        for (var wait = 0; wait < 100 && CustomerActivations(counters) < customers.Count; wait++)
        {
            await Task.Delay(100);
            counters = await Counters();
        }

        var host = Assert.Single(counters["hosts"]!.AsArray());
        Assert.Equal("Active", host!["status"]!.GetValue<string>());
        // Other tests share the silo, so at least the three activated here.
        Assert.True(CustomerActivations(counters) >= customers.Count, counters["simpleGrainStats"]!.ToJsonString());
    }

    private async Task<JsonNode> Counters()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orleans/DashboardCounters");
        Present(request, "basic:" + AdminKey);
        return await ApiAssert.Json(await gateway.CreateClient().SendAsync(request), HttpStatusCode.OK);
    }

    private static int CustomerActivations(JsonNode counters) => counters["simpleGrainStats"]!.AsArray()
        .Where(stat => stat!["grainType"]!.GetValue<string>() == "ProfileGrid.Customers.CustomerGrain")
        .Sum(stat => stat!["activationCount"]!.GetValue<int>());

    private static void Present(HttpRequestMessage request, string credentials)
    {
        var (kind, key) = credentials.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0
            ? (credentials[..colon], credentials[(colon + 1)..])
            : (credentials, "");
        switch (kind)
        {
            case "basic":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + key)));
                break;
            case "basic-malformed":
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "!!not-base64!!");
                break;
            case "header":
                request.Headers.Add("X-Api-Key", key);
                break;
        }
    }
}
