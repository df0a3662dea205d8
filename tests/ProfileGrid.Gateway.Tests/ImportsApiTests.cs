using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// <c>POST /v1/imports</c> of NDJSON and CSV files (gzip or not) on a memory-mode gateway: exact counters, the profiles
/// they leave (old events in lifetime totals only, traits at their original times), the rejected lines, the same file
/// posted twice, and every refusal as a problem.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ImportsApiTests(GatewayFixture gateway)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static string At(TimeSpan ago) => (Now - ago).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_ndjson_file_imports_every_valid_line_once_in_its_own_time_and_lists_the_rejected_ones()
    {
        var (ann, bob) = (NewCustomerId(), NewCustomerId());
        var file = string.Join('\n',
            $$"""{"id":"e1","type":"purchase","customerId":"{{ann}}","timestamp":"{{At(TimeSpan.FromDays(400))}}","value":100}""",
            $$"""{"id":"e2","type":"purchase","customerId":"{{ann}}","timestamp":"{{At(TimeSpan.FromDays(2))}}","value":20,"channel":"web"}""",
            $$"""{"type":"page_view","customerId":"{{ann}}","timestamp":"{{At(TimeSpan.FromMinutes(30))}}"}""",
            $$"""{"type":"page_view","customerId":"{{bob}}","timestamp":"{{At(TimeSpan.FromDays(10))}}"}""",
            """{"id":"broken","type":""",
            $$"""{"id":"e6","type":"Bad Type","customerId":"{{bob}}"}""",
            "",
            $$$"""{"customerId":"{{{ann}}}","traits":{"plan":"gold"},"timestamp":"{{{At(TimeSpan.FromDays(5))}}}"}""",
            $$$"""{"customerId":"{{{ann}}}","traits":{"plan":"silver","city":"Oslo"},"timestamp":"{{{At(TimeSpan.FromDays(50))}}}"}""",
            $$$"""{"messageId":"m1","type":"track","event":"Order Completed","userId":"{{{bob}}}","timestamp":"{{{At(TimeSpan.FromDays(3))}}}","properties":{"revenue":30}}""",
            $$"""{"id":"e1","type":"purchase","customerId":"{{ann}}","timestamp":"{{At(TimeSpan.FromDays(400))}}","value":100}""") + "\n";

        var status = await ImportAsync(Ndjson(file));

        Assert.Equal(("done", 11L, 7L, 1L, 2L), Counters(status));
        var rejected = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/imports/{status["id"]}/rejected"), HttpStatusCode.OK);
        Assert.Equal(2, (int)rejected["rejected"]!);
        var lines = rejected["lines"]!.AsArray();
        Assert.Equal([5L, 6L], lines.Select(line => (long)line!["line"]!));
        Assert.StartsWith("the line is not valid JSON", (string)lines[0]!["reason"]!, StringComparison.Ordinal);
        Assert.Equal("""{"id":"broken","type":""", (string)lines[0]!["text"]!);
        Assert.Equal("type is required and must match [a-z0-9_.-]{1,64}", (string)lines[1]!["reason"]!);

        var annProfile = await ProfileAsync(ann);
        var purchase = annProfile["counters"]!["purchase"]!;
        // The event 400 days old counts in the lifetime total and first seen, not in the 30-day window.
        Assert.Equal((2, 120m, 1, 20m), ((int)purchase["total"]!["count"]!, (decimal)purchase["total"]!["sum"]!, (int)purchase["30d"]!["count"]!, (decimal)purchase["30d"]!["sum"]!));
        Assert.Equal(1, (int)annProfile["counters"]!["page_view"]!["1h"]!["count"]!);
        Assert.True(Math.Abs(((DateTimeOffset)annProfile["firstSeen"]! - (Now - TimeSpan.FromDays(400))).TotalSeconds) < 1, $"firstSeen {annProfile["firstSeen"]}");
        Assert.Equal(120m, (decimal)annProfile["value"]!["clv"]!["historic"]!);
        // The older record's plan does not replace the newer one; its city, which nothing newer set, is taken.
        Assert.Equal(("\"gold\"", "\"Oslo\""), (Trait(annProfile, "plan"), Trait(annProfile, "city")));

        var bobProfile = await ProfileAsync(bob);
        Assert.Equal((1, 0), ((int)bobProfile["counters"]!["page_view"]!["total"]!["count"]!, (int)bobProfile["counters"]!["page_view"]!["7d"]!["count"]!));
        Assert.Equal(30m, (decimal)bobProfile["counters"]!["order_completed"]!["total"]!["sum"]!);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_csv_file_gzip_or_not_maps_its_columns_to_events_and_trait_records(bool gzip)
    {
        var (ann, bob) = (NewCustomerId(), NewCustomerId());
        var file = string.Join("\r\n",
            "id,type,customerId,timestamp,value,channel,properties.sku,traits.plan,traits.vip",
            $"c1,purchase,{ann},{At(TimeSpan.FromDays(40))},12.5,pos,\"A,1\",,",
            $"c2,purchase,{ann},{At(TimeSpan.FromDays(1))},7.5,web,B2,,",
            $",page_view,{bob},{At(TimeSpan.FromHours(3))},,,,,",
            $"c4,purchase,{bob},{At(TimeSpan.FromDays(1))},lots,web,,,",
            $",,{bob},{At(TimeSpan.FromDays(2))},,,,gold,true",
            $"c6,purchase,{bob},{At(TimeSpan.FromDays(1))},1,web,,gold,",
            $"c1,purchase,{ann},{At(TimeSpan.FromDays(40))},12.5,pos,\"A,1\",,") + "\r\n";
        var bytes = Encoding.UTF8.GetBytes(file);
        var content = new ByteArrayContent(gzip ? Gzip(bytes) : bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        if (gzip) content.Headers.ContentEncoding.Add("gzip");

        var status = await ImportAsync(content);

        Assert.Equal(("done", 7L, 4L, 1L, 2L), Counters(status));
        Assert.Equal("csv", (string?)status["format"]);
        var rejected = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/imports/{status["id"]}/rejected"), HttpStatusCode.OK);
        Assert.Equal([5L, 7L], rejected["lines"]!.AsArray().Select(line => (long)line!["line"]!));
        Assert.Contains("value", (string)rejected["lines"]![0]!["reason"]!, StringComparison.Ordinal);
        Assert.StartsWith("traits.* cells must be empty on an event row", (string)rejected["lines"]![1]!["reason"]!, StringComparison.Ordinal);

        var annProfile = await ProfileAsync(ann);
        var purchase = annProfile["counters"]!["purchase"]!;
        Assert.Equal((2, 20m, 1, 7.5m), ((int)purchase["total"]!["count"]!, (decimal)purchase["total"]!["sum"]!, (int)purchase["30d"]!["count"]!, (decimal)purchase["30d"]!["sum"]!));
        Assert.Equal(["pos", "web"], annProfile["channels"]!.AsArray().Select(channel => (string)channel!));
        var bobProfile = await ProfileAsync(bob);
        Assert.Equal(1, (int)bobProfile["counters"]!["page_view"]!["24h"]!["count"]!);
        Assert.Equal(("\"gold\"", "true"), (Trait(bobProfile, "plan"), Trait(bobProfile, "vip")));
    }

    [Fact]
    public async Task The_same_file_posted_again_is_the_same_import_and_counts_nothing_twice()
    {
        var ann = NewCustomerId();
        var file = string.Concat(Enumerable.Range(1, 50).Select(i =>
            $$"""{"type":"purchase","customerId":"{{ann}}","timestamp":"{{At(TimeSpan.FromMinutes(i))}}","value":1}""" + "\n"));

        var first = await ImportAsync(Ndjson(file));
        var again = await ApiAssert.Json(await gateway.As(AdminKey).PostAsync("/v1/imports", Ndjson(file)), HttpStatusCode.Accepted);
        var other = await ApiAssert.Json(await gateway.As(AdminKey).PostAsync("/v1/imports?producer=crm", Ndjson(file)), HttpStatusCode.Accepted);
        var crm = await WaitAsync((string)other["id"]!);

        Assert.Equal(("done", 50L, 50L, 0L, 0L), Counters(first));
        Assert.Equal(((string?)first["id"], "done", false), ((string?)again["id"], (string?)again["state"], (bool)again["created"]!));
        // Another producer is another import, as for live events: its events are its own.
        Assert.NotEqual((string?)first["id"], (string?)other["id"]);
        Assert.Equal(("done", 50L, 50L, 0L, 0L), Counters(crm));
        Assert.Equal(100, (int)(await ProfileAsync(ann))["counters"]!["purchase"]!["total"]!["count"]!);
        var status = await WaitAsync((string)first["id"]!);
        Assert.Equal(("done", 50L, 50L, 0L, 0L), Counters(status));
    }

    [Fact]
    public async Task An_imported_trait_never_replaces_a_value_set_live_or_later()
    {
        var ann = NewCustomerId();
        var patched = await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{ann}/traits", Json("""{"plan":"live"}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var file = string.Join('\n',
            $$$"""{"customerId":"{{{ann}}}","traits":{"plan":"imported","tier":"old"},"timestamp":"{{{At(TimeSpan.FromDays(9))}}}"}""",
            $$$"""{"customerId":"{{{ann}}}","traits":{"tier":"new"},"timestamp":"{{{At(TimeSpan.FromDays(1))}}}"}""",
            $$$"""{"customerId":"{{{ann}}}","traits":{"tier":"older"},"timestamp":"{{{At(TimeSpan.FromDays(20))}}}"}""");

        var status = await ImportAsync(Ndjson(file));

        Assert.Equal(("done", 3L, 3L, 0L, 0L), Counters(status));
        var profile = await ProfileAsync(ann);
        Assert.Equal(("\"live\"", "\"new\""), (Trait(profile, "plan"), Trait(profile, "tier")));
    }

    [Fact]
    public async Task A_csv_header_the_mapping_does_not_know_fails_the_import_and_says_why()
    {
        var content = new StringContent($"id,type,customerId,colour\nx,purchase,{NewCustomerId()},red\n", Encoding.UTF8, "text/csv");

        var status = await ImportAsync(content);

        Assert.Equal(("failed", 0L, 0L, 0L, 0L), Counters(status));
        Assert.Contains("'colour'", (string)status["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_requests_are_problems_and_start_nothing()
    {
        var file = $$"""{"type":"purchase","customerId":"{{NewCustomerId()}}"}""";
        await ApiAssert.Problem(await gateway.As(null).PostAsync("/v1/imports", Ndjson(file)), HttpStatusCode.Unauthorized);
        await ApiAssert.Problem(await gateway.As(ProducerKey).PostAsync("/v1/imports", Ndjson(file)), HttpStatusCode.Forbidden);
        await ApiAssert.Problem(await gateway.As(AgentKey).GetAsync("/v1/imports/aaaaaaaaaaaaaaaaaaaaaaaaaa"), HttpStatusCode.Forbidden);
        await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync("/v1/imports", new StringContent(file, Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync("/v1/imports", Ndjson("")), HttpStatusCode.BadRequest);
        await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync("/v1/imports?format=xml", Ndjson(file)), HttpStatusCode.BadRequest);
        await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync("/v1/imports?producer=", Ndjson(file)), HttpStatusCode.BadRequest);
        var url = await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync("/v1/imports", Json("""{"url":"https://elsewhere.example/data.ndjson"}""")), HttpStatusCode.BadRequest);
        Assert.Equal("url", (string?)url["field"]);
        await ApiAssert.Problem(await gateway.As(AdminKey).PostAsync("/v1/imports", Json("""{"link":"x"}""")), HttpStatusCode.BadRequest);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync("/v1/imports/aaaaaaaaaaaaaaaaaaaaaaaaaa"), HttpStatusCode.NotFound);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync("/v1/imports/not-an-id/rejected"), HttpStatusCode.NotFound);
    }

    private async Task<JsonNode> ImportAsync(HttpContent content)
    {
        var response = await gateway.As(AdminKey).PostAsync("/v1/imports", content);
        var accepted = await ApiAssert.Json(response, HttpStatusCode.Accepted);
        var id = (string)accepted["id"]!;
        Assert.Equal($"/v1/imports/{id}", response.Headers.Location?.ToString());
        return await WaitAsync(id);
    }

    private async Task<JsonNode> WaitAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/imports/{id}"), HttpStatusCode.OK);
            if ((string?)status["state"] != "running" || DateTime.UtcNow > deadline) return status;
            await Task.Delay(50);
        }
    }

    private async Task<JsonNode> ProfileAsync(string customer) =>
        await ApiAssert.Json(await gateway.As(ScopedAgentKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

    private static (string?, long, long, long, long) Counters(JsonNode status) =>
        ((string?)status["state"], (long)status["linesRead"]!, (long)status["applied"]!, (long)status["duplicates"]!, (long)status["rejected"]!);

    private static string? Trait(JsonNode profile, string name) =>
        new[] { "identity", "descriptive", "qualitative" }.Select(group => profile["traits"]![group]![name]).FirstOrDefault(value => value is not null)?.ToJsonString();

    private static ByteArrayContent Ndjson(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return content;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }
}
