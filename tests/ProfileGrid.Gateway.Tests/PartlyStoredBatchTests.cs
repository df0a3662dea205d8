using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A batch for several customers whose call to one of them fails: the answer is a 503 (a passing outage) or 500 (a
/// bug) that lists exactly which events were stored and which were not, never "nothing" when something was, and
/// retrying the whole request stores the rest while the stored ones count as duplicates.
/// </summary>
public sealed class PartlyStoredBatchTests(FaultableStorageGatewayFixture storage, LogCaptureGatewayFixture poisoned)
    : IClassFixture<FaultableStorageGatewayFixture>, IClassFixture<LogCaptureGatewayFixture>
{
    [Fact]
    public async Task A_customer_whose_storage_fails_is_a_503_listing_what_was_stored_and_the_retry_stores_the_rest()
    {
        var (ann, bob) = (NewCustomerId(), NewCustomerId());
        var batch = $$"""
            {"events":[{"id":"a1","type":"purchase","customerId":"{{ann}}","value":10},
                       {"id":"b1","type":"purchase","customerId":"{{bob}}","value":7},
                       {"id":"a2","type":"page_view","customerId":"{{ann}}"},
                       {"id":"x1","type":"Not A Type","customerId":"{{ann}}"},
                       {"id":"b2","type":"page_view","customerId":"{{bob}}"}]}
            """;
        var producer = storage.As(ProducerKey);

        storage.FailWritesOf(bob);
        HttpResponseMessage failed;
        try
        {
            failed = await producer.PostAsync("/v1/events", Json(batch));
        }
        finally
        {
            storage.HealWritesOf(bob);
        }

        var problem = await ApiAssert.Problem(failed, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("1", failed.Headers.GetValues("Retry-After").Single());
        Assert.Equal(
            "2 of the request's events were stored and 2 were not, because the call to their customer failed (stored and notStored list them by index). " +
            "Retrying the whole request is safe: the events stored then count as duplicates. Retry shortly.",
            (string?)problem["detail"]);
        Assert.Equal("""[{"index":0,"id":"a1","outcome":"accepted"},{"index":2,"id":"a2","outcome":"accepted"}]""", problem["stored"]!.ToJsonString());
        Assert.Equal("""[{"index":1,"id":"b1"},{"index":4,"id":"b2"}]""", problem["notStored"]!.ToJsonString());
        Assert.Equal([3], problem["rejected"]!.AsArray().Select(r => (int)r!["index"]!));
        var stored = await Profile(storage, ann);
        Assert.Equal(10m, (decimal)stored["counters"]!["purchase"]!["total"]!["sum"]!);
        Assert.Equal(1, (int)stored["counters"]!["page_view"]!["total"]!["count"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await storage.As(AgentKey).GetAsync($"/v1/customers/{bob}")).StatusCode);

        var retry = await ApiAssert.Json(await producer.PostAsync("/v1/events", Json(batch)), HttpStatusCode.Accepted);

        Assert.Equal(2, (int)retry["accepted"]!);
        Assert.Equal(2, (int)retry["duplicates"]!);
        Assert.Equal(7m, (decimal)(await Profile(storage, bob))["counters"]!["purchase"]!["total"]!["sum"]!);
    }

    [Fact]
    public async Task A_customer_whose_call_fails_with_a_bug_is_a_500_listing_what_was_stored()
    {
        var (healthy, broken) = (NewCustomerId(), PoisonedCustomerFilter.Prefix + Guid.NewGuid().ToString("N"));
        var batch = $$"""
            {"events":[{"id":"h1","type":"purchase","customerId":"{{healthy}}","value":3},
                       {"id":"p1","type":"purchase","customerId":"{{broken}}","value":4}]}
            """;

        var problem = await ApiAssert.Problem(await poisoned.As(ProducerKey).PostAsync("/v1/events", Json(batch)), HttpStatusCode.InternalServerError);

        Assert.StartsWith("1 of the request's events were stored and 1 were not, because the call to their customer failed", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.EndsWith($"The failure is logged under trace id {problem["traceId"]}.", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal("""[{"index":0,"id":"h1","outcome":"accepted"}]""", problem["stored"]!.ToJsonString());
        Assert.Equal("""[{"index":1,"id":"p1"}]""", problem["notStored"]!.ToJsonString());
        Assert.Equal(3m, (decimal)(await Profile(poisoned, healthy))["counters"]!["purchase"]!["total"]!["sum"]!);
    }

    [Fact]
    public async Task A_segment_batch_whose_customer_fails_lists_the_identify_and_events_stored_and_those_not()
    {
        var (ann, bob) = (NewCustomerId(), NewCustomerId());
        var batch = $$$"""
            {"batch":[
              {"type":"identify","userId":"{{{ann}}}","messageId":"i1","traits":{"plan":"pro"}},
              {"type":"track","userId":"{{{ann}}}","messageId":"t1","event":"Clicked"},
              {"type":"track","userId":"{{{bob}}}","messageId":"t2","event":"Clicked"},
              {"type":"fly","userId":"{{{bob}}}","messageId":"t3"}
            ]}
            """;
        using var http = storage.As(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ProducerKey + ":")));

        storage.FailWritesOf(bob);
        HttpResponseMessage failed;
        try
        {
            failed = await http.PostAsync("/compat/segment/v1/batch", Json(batch));
        }
        finally
        {
            storage.HealWritesOf(bob);
        }

        var problem = await ApiAssert.Problem(failed, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("""[{"index":0,"id":"i1","outcome":"accepted"},{"index":1,"id":"t1","outcome":"accepted"}]""", problem["stored"]!.ToJsonString());
        Assert.Equal("""[{"index":2,"id":"t2"}]""", problem["notStored"]!.ToJsonString());
        Assert.Equal([3], problem["rejected"]!.AsArray().Select(r => (int)r!["index"]!));

        var retry = await ApiAssert.Json(await http.PostAsync("/compat/segment/v1/batch", Json(batch)), HttpStatusCode.OK);

        Assert.Equal(2, (int)retry["applied"]!); // the identify again, and t2
        Assert.Equal(1, (int)retry["duplicates"]!);
    }

    private static async Task<JsonNode> Profile(GatewayFixture gateway, string customerId) =>
        await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/customers/{customerId}"), HttpStatusCode.OK);
}
