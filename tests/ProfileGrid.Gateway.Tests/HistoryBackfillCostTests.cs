using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// What a history back-fill costs next to the plain one (docs/benchmarks.md, "History back-fill"): N customers with a
/// year of events of a type, a segment over its 30 days (the sweep's back-fill: a visit per stored customer), then one
/// over its 365 days (a replay of every customer from the archive, each restore evaluating its segments). N is 2,000, or
/// <c>PROFILEGRID_HISTORY_BENCH_CUSTOMERS</c>; the figures go to the test's output.
/// </summary>
[Collection(HistoryGatewayCollection.Name)]
public sealed class HistoryBackfillCostTests(HistoryGatewayFixture history, ITestOutputHelper output)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_history_back_fill_rebuilds_every_customer_and_its_cost_is_measured_against_the_plain_back_fill()
    {
        var customers = int.TryParse(Environment.GetEnvironmentVariable("PROFILEGRID_HISTORY_BENCH_CUSTOMERS"), CultureInfo.InvariantCulture, out var n) ? n : 2000;
        var gateway = history.Archived;
        var now = history.Clock.GetUtcNow();
        var type = $"cost_{_run}";
        var events = Enumerable.Range(0, customers).SelectMany(i => new[] { 300, 150, 10 }.Select(days => new JsonObject
        {
            ["id"] = $"{i}-{days}", ["type"] = type, ["customerId"] = $"cost-{i}-{_run}", ["value"] = 10,
            ["timestamp"] = now.AddDays(-days).AddMinutes(-i % 1440).ToString("O", CultureInfo.InvariantCulture),
        }));
        var watch = Stopwatch.StartNew();
        foreach (var batch in events.Chunk(1000))
        {
            var answer = await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject { ["events"] = new JsonArray(batch) }.ToJsonString())), HttpStatusCode.Accepted);
            Assert.Equal(batch.Length, (int)answer["accepted"]!);
        }

        var stored = watch.Elapsed;
        await HistoryGatewayFixture.ArchivedAsync(gateway);

        watch.Restart();
        var plain = $"cost-month-{_run}";
        await Define(gateway, plain, $"{type}.30d >= 1");
        var sweep = await UntilAsync(gateway, plain, customers, segment => (string?)segment["backfill"]!["state"] == "done");
        var plainTime = watch.Elapsed;

        watch.Restart();
        var year = $"cost-year-{_run}";
        var replayId = (string)(await Define(gateway, year, $"{type}.365d >= 3"))["history"]!["replayId"]!;
        var replay = await UntilReplayedAsync(gateway, replayId);
        var replayTime = watch.Elapsed;
        await UntilAsync(gateway, year, customers, _ => true);
        var yearTime = watch.Elapsed;

        var total = (long)replay["customers"]!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {customers} customers of this run ({total} stored in all) with 3 events of {type} each (300, 150 and 10 days old), stored in {stored.TotalSeconds:F1} s
            plain back-fill ({type}.30d >= 1): {plainTime.TotalSeconds:F2} s, {(long)sweep["backfill"]!["visited"]!} customers visited, {(long)sweep["backfill"]!["visited"]! / plainTime.TotalSeconds:F0} customers/s
            history back-fill ({type}.365d >= 3): replay done in {replayTime.TotalSeconds:F2} s (of which {Replay.ReplayGrain.HistoryDelay.TotalSeconds:F0} s waiting for the silos' catalogs), {(long)replay["rebuilt"]!} rebuilt, {(long)replay["failed"]!} failed, {(double)replay["customersPerSecond"]!:F0} customers/s by its status; all {customers} members after {yearTime.TotalSeconds:F2} s
            ratio: the history back-fill took {yearTime / plainTime:F1} times the plain one
            """));
        Assert.Equal("done", (string?)replay["state"]);
        Assert.Equal(0, (long)replay["failed"]!);
    }

    private static async Task<JsonNode> Define(GatewayFixture gateway, string segment, string rule) =>
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}", Json(new JsonObject { ["rule"] = rule }.ToJsonString())), HttpStatusCode.OK);

    /// <summary>The segment once it holds <paramref name="size"/> members and <paramref name="done"/> says so.</summary>
    private static async Task<JsonNode> UntilAsync(GatewayFixture gateway, string segment, int size, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var view = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/segments/{segment}"), HttpStatusCode.OK);
            if ((long)view["size"]! == size && done(view)) return view;
            Assert.True(DateTime.UtcNow < deadline, $"{segment} did not fill within 10 minutes: {view.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonNode> UntilReplayedAsync(GatewayFixture gateway, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            var status = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/replays/{id}"), HttpStatusCode.OK);
            if ((string?)status["state"] is "done" or "failed") return status;
            Assert.True(DateTime.UtcNow < deadline, $"Replay {id} did not finish within 10 minutes: {status.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
