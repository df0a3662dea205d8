using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ProfileGrid.Testing;
using Xunit.Abstractions;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// The reproduction: 200 segments redefined at once over thousands of stored customers stalled the gateway
/// for about 45 s (a write 18.7 s, <c>/healthz</c> 5–8 s), each definition paging through every customer with 100
/// evaluations in flight. One sweep now serves them all, with a bounded number of evaluations in flight, at a share
/// of the time; writes and health checks go on meanwhile as they did before it.
/// </summary>
[Collection(SweepGatewayCollection.Name)]
public sealed class SegmentSweepLoadTests(SweepGatewayFixture gateway, ITestOutputHelper output)
{
    private const int Customers = 3000;
    private const int Segments = 200;

    [Fact]
    public async Task Two_hundred_definitions_at_once_leave_writes_and_health_checks_prompt_while_one_bounded_sweep_fills_them()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var customers = Enumerable.Range(0, Customers).Select(i => $"sweep-{run}-{i:D4}").ToArray();
        // Customer i did "t{i % 200}": each customer is in exactly one of the segments.
        foreach (var batch in customers.Chunk(1000)) await PostEvents(batch.Select(id => (id, Type(run, int.Parse(id[^4..], CultureInfo.InvariantCulture) % Segments))));
        var before = await Rounds(count: 20);

        var names = Enumerable.Range(0, Segments).Select(j => $"sweep-{run}-{j:D3}").ToArray();
        var defined = await Task.WhenAll(names.Select((name, j) =>
            gateway.As(AdminKey).PutAsync($"/v1/segments/{name}", Json($$"""{"rule":"{{Type(run, j)}}.total >= 1"}"""))));
        Assert.All(defined, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        await Eventually.Async(async () => (long)(await Backfill(names[0]))["visited"]! > 0, "the sweep starts");
        var during = new List<Timing>();
        // Definitions join the lap in the order their PUTs arrived, so any one of them may be the last to finish.
        var unfinished = new Queue<string>(names);
        var sweeping = Stopwatch.StartNew();
        while (await AnyRunning(unfinished) && sweeping.Elapsed < TimeSpan.FromMinutes(3)) during.Add(await Round());
        var after = await Task.WhenAll(names.Select(Backfill));

        Report("before the definitions", before);
        Report("while the sweep ran", during);
        output.WriteLine($"most evaluations in flight: {gateway.Evaluations.MostInFlight}");
        Assert.All(after, backfill => Assert.Equal("done", (string?)backfill["state"]));
        Assert.InRange(gateway.Evaluations.MostInFlight, 1, SweepGatewayFixture.MaxConcurrency);
        // One pass serves all 200: a customer is evaluated once, twice if a definition joined after the lap began.
        Assert.All(customers, id => Assert.InRange(gateway.Evaluations.CallsTo(id), 1, 2));
        // Each went round once: every stored customer (those of the rounds too), none twice.
        var stored = Customers + before.Count + during.Count;
        Assert.All(after, backfill => Assert.InRange((long)backfill["visited"]!, Customers, stored));
        Assert.Equal(customers.Where((_, i) => i % Segments == 7), await Members(names[7]));
        // Writes and health checks kept completing while the sweep ran, about as fast as without it (a generous bound:
        // the machine is shared); the stall took seconds per request.
        Assert.True(during.Count >= 10, $"only {during.Count} rounds of a write and a health check completed while the sweep ran");
        Assert.True(Median(during, r => r.Write) <= 10 * Median(before, r => r.Write) + TimeSpan.FromMilliseconds(200), "writes slowed down");
        Assert.True(Median(during, r => r.Health) <= 10 * Median(before, r => r.Health) + TimeSpan.FromMilliseconds(200), "health checks slowed down");
    }

    private static string Type(string run, int segment) => $"t{run}{segment:D3}";

    private async Task<List<Timing>> Rounds(int count)
    {
        var rounds = new List<Timing>();
        for (var i = 0; i < count; i++) rounds.Add(await Round());
        return rounds;
    }

    /// <summary>One write of a new customer's event, then one health check, each timed.</summary>
    private async Task<Timing> Round()
    {
        var started = Stopwatch.GetTimestamp();
        await PostEvents([($"live-{Guid.NewGuid():N}", "page_view")]);
        var write = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        using var health = await gateway.As(null).GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        return new Timing(write, Stopwatch.GetElapsedTime(started));
    }

    private async Task PostEvents(IEnumerable<(string Customer, string Type)> events)
    {
        var body = new StringBuilder("{\"events\":[");
        foreach (var (customer, type) in events) body.Append(CultureInfo.InvariantCulture, $$"""{"id":"{{Guid.NewGuid():N}}","type":"{{type}}","customerId":"{{customer}}"},""");
        body.Length--;
        body.Append("]}");
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(body.ToString())), HttpStatusCode.Accepted);
    }

    private async Task<JsonNode> Backfill(string segment) =>
        (await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{segment}"), HttpStatusCode.OK))["backfill"]!;

    /// <summary>Whether a back-fill of these is still running; those found finished are taken out (done stays done).</summary>
    private async Task<bool> AnyRunning(Queue<string> segments)
    {
        while (segments.TryPeek(out var segment))
        {
            if ((string?)(await Backfill(segment))["state"] == "running") return true;
            segments.Dequeue();
        }

        return false;
    }

    private async Task<string[]> Members(string segment)
    {
        var page = await ApiAssert.Json(await gateway.As(AgentKey).GetAsync($"/v1/segments/{segment}/members?limit=1000"), HttpStatusCode.OK);
        return [.. page["members"]!.AsArray().Select(member => (string)member!["customerId"]!)];
    }

    private static TimeSpan Median(List<Timing> rounds, Func<Timing, TimeSpan> part) => rounds.Select(part).Order().ElementAt(rounds.Count / 2);

    private void Report(string when, List<Timing> rounds) => output.WriteLine(
        $"{when}: {rounds.Count} rounds, write median {Median(rounds, r => r.Write).TotalMilliseconds:0.0} ms (max {rounds.Max(r => r.Write).TotalMilliseconds:0}), " +
        $"/healthz median {Median(rounds, r => r.Health).TotalMilliseconds:0.0} ms (max {rounds.Max(r => r.Health).TotalMilliseconds:0})");

    private sealed record Timing(TimeSpan Write, TimeSpan Health);
}
