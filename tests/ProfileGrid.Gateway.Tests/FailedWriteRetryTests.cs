using System.Net;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Through HTTP: a batch the storage refuses is a 503 that stores nothing, and the producer's retry applies it once.</summary>
public sealed class FailedWriteRetryTests(FaultableStorageGatewayFixture gateway) : IClassFixture<FaultableStorageGatewayFixture>
{
    [Fact]
    public async Task A_refused_write_is_a_503_that_stores_nothing_and_the_retry_of_the_same_request_applies_every_event()
    {
        var producer = gateway.As(ProducerKey);
        var agent = gateway.As(AgentKey);
        var customer = NewCustomerId();
        var batch = $$"""
            {"events":[{"id":"e1","type":"purchase","customerId":"{{customer}}","value":10},
                       {"id":"e2","type":"purchase","customerId":"{{customer}}","value":5},
                       {"id":"e3","type":"page_view","customerId":"{{customer}}"}]}
            """;

        gateway.FailWrites = true;
        HttpResponseMessage refused;
        try
        {
            refused = await producer.PostAsync("/v1/events", Json(batch));
        }
        finally
        {
            gateway.FailWrites = false;
        }

        await ApiAssert.Problem(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/v1/customers/{customer}")).StatusCode);

        var retry = await ApiAssert.Json(await producer.PostAsync("/v1/events", Json(batch)), HttpStatusCode.Accepted);
        var again = await ApiAssert.Json(await producer.PostAsync("/v1/events", Json(batch)), HttpStatusCode.Accepted);
        var profile = await ApiAssert.Json(await agent.GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

        Assert.Equal("""{"accepted":3,"duplicates":0,"rejected":[]}""", retry.ToJsonString());
        Assert.Equal("""{"accepted":0,"duplicates":3,"rejected":[]}""", again.ToJsonString());
        Assert.Equal(1, (long)profile["seq"]!);
        Assert.Equal(2, (int)profile["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(15m, (decimal)profile["counters"]!["purchase"]!["total"]!["sum"]!);
        Assert.Equal(1, (int)profile["counters"]!["page_view"]!["total"]!["count"]!);
    }
}
