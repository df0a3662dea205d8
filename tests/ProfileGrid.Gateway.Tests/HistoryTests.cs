using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HistoryGateway = ProfileGrid.Gateway.Tests.HistoryGatewayFixture.HistoryGateway;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// History-wide operands (issue 27, part 3): a segment that reads the 365d of a type nobody read a year of before is
/// back-filled by a replay of every customer from the archive, which brings back the year live processing folded away,
/// exactly to the day; <c>type.first</c> is the first event however old, imported out of order; with archiving off such
/// a rule is refused, unless configuration already keeps the type's year.
/// </summary>
[Collection(HistoryGatewayCollection.Name)]
public sealed class HistoryTests(HistoryGatewayFixture history)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];

    private HistoryGateway Archived => history.Archived;

    private DateTimeOffset Now => history.Clock.GetUtcNow();

    /// <summary>The first instant of the current UTC day: the 365d window starts 364 days before it.</summary>
    private DateTimeOffset Today => new(Now.UtcDateTime.Date, TimeSpan.Zero);

    [Fact]
    public async Task A_segment_over_a_year_defined_after_the_history_was_folded_is_back_filled_by_a_replay_with_exact_counts()
    {
        var segment = $"year-{_run}";
        var (ann, bob, cara, dan, erin, fred) = ($"ann-{_run}", $"bob-{_run}", $"cara-{_run}", $"dan-{_run}", $"erin-{_run}", $"fred-{_run}");
        await Events(
            // Ann: 200 and 100 days ago, and 5: three in the year, one in the month.
            Event("a1", "purchase", ann, Now.AddDays(-200), 50m), Event("a2", "purchase", ann, Now.AddDays(-100), 20m), Event("a3", "purchase", ann, Now.AddDays(-5), 10m),
            // Bob: 200 and 400 days ago: one in the year.
            Event("b1", "purchase", bob, Now.AddDays(-200), 70m), Event("b2", "purchase", bob, Now.AddDays(-400), 30m),
            // Cara: two in the month, which were never folded.
            Event("c1", "purchase", cara, Now.AddDays(-10), 1m), Event("c2", "purchase", cara, Now.AddDays(-20), 2m),
            // Dan: the first instant of the year's oldest day (in), the last tick before it (out), and one today.
            Event("d1", "purchase", dan, Today.AddDays(-364), 3m), Event("d2", "purchase", dan, Today.AddDays(-364).AddTicks(-1), 4m),
            Event("d3", "purchase", dan, Now.AddMinutes(-1), 5m),
            // Erin: the last tick before the year, and one 31 days ago; page views a year of which nobody reads.
            Event("e1", "purchase", erin, Today.AddDays(-364).AddTicks(-1), 6m), Event("e2", "purchase", erin, Now.AddDays(-31), 7m),
            Event("e3", "page_view", erin, Now.AddDays(-200)), Event("e4", "page_view", erin, Now.AddDays(-40)));
        await HistoryGatewayFixture.ArchivedAsync(Archived);

        // Folded live: days past the month are gone, counted in the lifetime total only.
        var annBefore = await ProfileAsync(ann);
        Assert.Equal((1L, 3L), ((long)annBefore["counters"]!["purchase"]!["30d"]!["count"]!, (long)annBefore["counters"]!["purchase"]!["total"]!["count"]!));

        var defined = await Define(Archived, segment, "purchase.365d >= 2");
        var historyView = defined["history"]!;
        Assert.Equal(["purchase"], historyView["types"]!.AsArray().Select(type => (string)type!));
        var replayId = (string)historyView["replayId"]!;
        Assert.Equal($"/v1/replays/{replayId}", (string?)historyView["replay"]);
        Assert.Equal("queued", (string?)historyView["state"]);

        var replay = await UntilFinishedAsync(replayId);
        Assert.Equal("done", (string?)replay["state"]);
        Assert.True((bool)replay["all"]!);
        Assert.Equal(0, (long)replay["failed"]!);
        // Its five customers so far (Fred comes later), and those of the fixture's other tests that ran before it.
        Assert.True((long)replay["rebuilt"]! >= 5, replay.ToJsonString());

        var members = await UntilEqual([ann, cara, dan], async () => [.. (await MembersAsync(segment)).Where(id => id.EndsWith(_run, StringComparison.Ordinal))]);
        Assert.Equal([ann, cara, dan], members);
        Assert.Equal(["purchase.365d = 3"], await ReasonsAsync(segment, ann));
        Assert.Equal(["purchase.365d = 2"], await ReasonsAsync(segment, dan));
        Assert.False(await IsMemberAsync(segment, bob));
        Assert.False(await IsMemberAsync(segment, erin));

        // Exact counts and sums of the year, through a rule per figure.
        var sums = $"sums-{_run}";
        await Define(Archived, sums, "purchase.sum.365d == 80 or purchase.sum.365d == 70 or purchase.sum.365d == 8 or purchase.sum.365d == 7");
        Assert.Equal([ann, bob, dan, erin], await UntilEqual([ann, bob, dan, erin], async () => [.. (await MembersAsync(sums)).Where(id => id.EndsWith(_run, StringComparison.Ordinal))]));
        Assert.Equal(["purchase.sum.365d = 80"], await ReasonsAsync(sums, ann));
        Assert.Equal(["purchase.sum.365d = 7"], await ReasonsAsync(sums, erin));

        // The profile shows the year of a history type, and the first event of every type, however old.
        var annAfter = (await ProfileAsync(ann))["counters"]!;
        Assert.Equal((3L, 80m), ((long)annAfter["purchase"]!["365d"]!["count"]!, (decimal)annAfter["purchase"]!["365d"]!["sum"]!));
        Assert.Equal(Now.AddDays(-200), (DateTimeOffset)annAfter["purchase"]!["firstAt"]!);
        var erinAfter = (await ProfileAsync(erin))["counters"]!;
        Assert.Null(erinAfter["page_view"]!["365d"]);
        Assert.Equal(Now.AddDays(-200), (DateTimeOffset)erinAfter["page_view"]!["firstAt"]!);

        // The segment shows its back-fill done; a segment that reads no year names none.
        var shown = await ApiAssert.Json(await Archived.As(AdminKey).GetAsync($"/v1/segments/{segment}"), HttpStatusCode.OK);
        Assert.Equal(("done", replayId), ((string?)shown["history"]!["state"], (string?)shown["history"]!["replayId"]));
        Assert.Null((await Define(Archived, $"month-{_run}", "purchase.30d >= 1"))["history"]);

        // From now on the year is kept live: Erin's next purchase makes two (the 31-day-old one was rebuilt), and an old
        // one sent now counts at once.
        await Events(Event("e5", "purchase", erin, Now.AddHours(-2), 1m), Event("f1", "purchase", fred, Now.AddDays(-300), 1m), Event("f2", "purchase", fred, Now.AddDays(-1), 1m));
        Assert.Equal([ann, cara, dan, erin, fred], await UntilEqual([ann, cara, dan, erin, fred], async () => [.. (await MembersAsync(segment)).Where(id => id.EndsWith(_run, StringComparison.Ordinal))]));
        Assert.Equal(["purchase.365d = 2"], await ReasonsAsync(segment, fred));
    }

    [Fact]
    public async Task The_first_event_is_the_earliest_an_import_brought_in_whatever_its_order()
    {
        var customer = $"imported-{_run}";
        string Line(string id, TimeSpan ago) =>
            $$"""{"id":"{{id}}","type":"order","customerId":"{{customer}}","timestamp":"{{(Now - ago).ToString("O", CultureInfo.InvariantCulture)}}","value":10}""";
        var file = string.Join('\n', Line("o1", TimeSpan.FromDays(20)), Line("o2", TimeSpan.FromDays(700)), Line("o3", TimeSpan.FromDays(3)), Line("o4", TimeSpan.FromDays(500))) + "\n";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var accepted = await ApiAssert.Json(await Archived.As(AdminKey).PostAsync("/v1/imports", content), HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow + Patience;
        JsonNode status;
        do
        {
            await Task.Delay(50);
            status = await ApiAssert.Json(await Archived.As(AdminKey).GetAsync($"/v1/imports/{accepted["id"]}"), HttpStatusCode.OK);
        }
        while ((string?)status["state"] == "running" && DateTime.UtcNow < deadline);
        Assert.Equal(("done", 4L), ((string?)status["state"], (long)status["applied"]!));

        var veterans = $"veterans-{_run}";
        Assert.Null((await Define(Archived, veterans, "order.first >= 700d and order.last < 4d"))["history"]);
        Assert.Equal([customer], await UntilEqual([customer], async () => [.. (await MembersAsync(veterans)).Where(id => id.EndsWith(_run, StringComparison.Ordinal))]));
        Assert.Equal(["order.first = 700d ago", "order.last = 3d ago"], await ReasonsAsync(veterans, customer));
        Assert.False(await IsMemberAsync($"veterans2-{_run}", customer, "order.first > 700d"));
    }

    [Fact]
    public async Task With_archiving_off_a_year_of_a_type_nobody_keeps_is_refused_and_a_configured_one_is_accepted()
    {
        var gateway = history.Unarchived;

        var refused = await ApiAssert.Problem(
            await gateway.As(AdminKey).PutAsync($"/v1/segments/visits-{_run}", Json(new JsonObject { ["rule"] = "visit.365d >= 3 and page_view.30d >= 1" }.ToJsonString())),
            HttpStatusCode.BadRequest);
        Assert.Equal("rule", (string?)refused["field"]);
        var detail = (string)refused["detail"]!;
        Assert.StartsWith("The rule reads the 365d of 'visit', which no segment reads a year of now", detail, StringComparison.Ordinal);
        Assert.Contains("with archiving off (ProfileGrid:Archive:Enabled false) there is no archive to replay the year from", detail, StringComparison.Ordinal);
        await ApiAssert.Problem(await gateway.As(AdminKey).GetAsync($"/v1/segments/visits-{_run}"), HttpStatusCode.NotFound);

        // A type configured as a history type keeps its year from the start: nothing to back-fill.
        var customer = $"subscriber-{_run}";
        var answer = await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject
        {
            ["events"] = new JsonArray(
                Event("s1", HistoryGatewayFixture.ConfiguredType, customer, Now.AddDays(-300), 9m),
                Event("s2", HistoryGatewayFixture.ConfiguredType, customer, Now.AddDays(-100), 9m)),
        }.ToJsonString())), HttpStatusCode.Accepted);
        Assert.Empty(answer["rejected"]!.AsArray());
        var subscribers = $"subscribers-{_run}";
        var defined = await Define(gateway, subscribers, $"{HistoryGatewayFixture.ConfiguredType}.365d >= 2");
        Assert.Null(defined["history"]);
        Assert.True(await IsMemberAsync(subscribers, customer, gateway: gateway));
    }

    [Fact]
    public async Task A_rule_that_would_make_more_than_8_history_types_is_refused_and_starts_no_replay()
    {
        var rule = string.Join(" and ", Enumerable.Range(1, 9).Select(i => $"t{i}_{_run}.365d >= 1"));

        var refused = await ApiAssert.Problem(
            await Archived.As(AdminKey).PutAsync($"/v1/segments/many-{_run}", Json(new JsonObject { ["rule"] = rule }.ToJsonString())), HttpStatusCode.BadRequest);

        Assert.Equal("rule", (string?)refused["field"]);
        Assert.Contains("history types, more than the 8 a deployment keeps a year of", (string)refused["detail"]!, StringComparison.Ordinal);
        await ApiAssert.Problem(await Archived.As(AdminKey).GetAsync($"/v1/segments/many-{_run}"), HttpStatusCode.NotFound);
    }

    private async Task<JsonNode> ProfileAsync(string customer) =>
        await ApiAssert.Json(await Archived.As(AdminKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

    private async Task<List<string>> MembersAsync(string segment)
    {
        var page = await ApiAssert.Json(await Archived.As(AdminKey).GetAsync($"/v1/segments/{segment}/members?limit=1000"), HttpStatusCode.OK);
        return [.. page["members"]!.AsArray().Select(member => (string)member!["customerId"]!).Order(StringComparer.Ordinal)];
    }

    private async Task<string[]> ReasonsAsync(string segment, string customer)
    {
        var membership = await ApiAssert.Json(await Archived.As(AdminKey).GetAsync($"/v1/segments/{segment}/members/{customer}"), HttpStatusCode.OK);
        Assert.True((bool)membership["member"]!, membership.ToJsonString());
        return [.. membership["reasons"]!.AsArray().Select(reason => (string)reason!)];
    }

    /// <summary>Whether the customer is in the segment now (defined with <paramref name="rule"/> first, when given).</summary>
    private async Task<bool> IsMemberAsync(string segment, string customer, string? rule = null, HistoryGateway? gateway = null)
    {
        gateway ??= Archived;
        if (rule is not null) await Define(gateway, segment, rule);
        var membership = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/segments/{segment}/members/{customer}"), HttpStatusCode.OK);
        return (bool)membership["member"]!;
    }

    private Task<JsonNode> UntilFinishedAsync(string id) => ArchiveWaits.ReplayFinishedAsync(Archived, id, Patience);

    private static Task<List<string>> UntilEqual(IReadOnlyList<string> expected, Func<Task<List<string>>> read) =>
        ArchiveWaits.UntilEqual(expected, read, TimeSpan.FromSeconds(20));

    private static async Task<JsonNode> Define(HistoryGateway gateway, string segment, string rule) =>
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}", Json(new JsonObject { ["rule"] = rule }.ToJsonString())), HttpStatusCode.OK);

    private async Task Events(params JsonObject[] events)
    {
        var answer = await ApiAssert.Json(await Archived.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject { ["events"] = new JsonArray(events) }.ToJsonString())), HttpStatusCode.Accepted);
        Assert.Empty(answer["rejected"]!.AsArray());
    }

    private JsonObject Event(string id, string type, string customer, DateTimeOffset at, decimal? value = null)
    {
        var json = new JsonObject { ["id"] = $"{id}-{_run}", ["type"] = type, ["customerId"] = customer, ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture) };
        if (value is { } amount) json["value"] = amount;
        return json;
    }
}
