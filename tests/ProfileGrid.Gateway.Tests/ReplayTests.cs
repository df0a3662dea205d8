using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ProfileGrid.Replay;
using Xunit.Abstractions;
using static ProfileGrid.Gateway.Tests.GatewayFixture;
using ArchiveSharingGateway = ProfileGrid.Gateway.Tests.ReplayGatewayFixture.ArchiveSharingGateway;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Replays (issue 27): a customer rebuilt from the archive is the customer live processing stored. A history built
/// live, replayed into a second, empty cluster that shares only the archive, gives every profile back as it was
/// (counters, traits, consent, value scores, segments, merges, identifiers); a customer rebuilt in place is what it
/// was; an erased customer is not brought back.
/// </summary>
[Collection(ReplayGatewayCollection.Name)]
public sealed class ReplayTests(ReplayGatewayFixture replay, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];

    private ArchiveSharingGateway Live => replay.Live;

    private ArchiveSharingGateway Empty => replay.Empty;

    private DateTimeOffset Now => replay.Clock.GetUtcNow();

    [Fact]
    public async Task Replaying_every_customer_into_an_empty_cluster_gives_back_every_profile_as_live_processing_left_it_and_not_an_erased_one()
    {
        const string Segment = "replay_buyers";
        await Define(Live, Segment, "purchase.sum.30d > 100");
        var (ann, bob, cara, dan) = ($"ann-{_run}", $"bob-{_run}", $"cara-{_run}", $"dan-{_run}");
        var (caraAnonymous, danAnonymous) = ($"a1-{_run}", $"a2-{_run}");

        // Events of several types, old and recent, a duplicate, traits set and removed, consent.
        await Events(Live, Event($"ann-1-{_run}", "page_view", ann, Now.AddMinutes(-5), channel: "web"),
            Event($"ann-2-{_run}", "purchase", ann, Now.AddDays(-2), 120.5m, "web", new JsonObject { ["sku"] = "A-1" }),
            Event($"ann-3-{_run}", "cart_add", ann, Now.AddDays(-40)),
            Event($"ann-4-{_run}", "email_open", ann, Now.AddHours(-3), channel: "email"));
        await Events(Live, Event($"ann-2-{_run}", "purchase", ann, Now.AddDays(-2), 120.5m, "web", new JsonObject { ["sku"] = "A-1" }));
        await Traits(Live, ann, new JsonObject { ["name"] = $"Ann {_run}", ["email"] = $"ann.{_run}@example.com", ["plan"] = "gold", ["country"] = "DK" });
        await ApiAssert.Json(await Live.As(ProducerKey).PostAsync($"/v1/customers/{ann}/consent", Json(new JsonObject
        {
            ["consent"] = new JsonObject { ["email"] = true, ["sms"] = false }, ["source"] = "web-form",
        }.ToJsonString())), HttpStatusCode.OK);
        await Traits(Live, ann, new JsonObject { ["plan"] = null });
        await Events(Live, Event($"bob-1-{_run}", "purchase", bob, Now.AddDays(-1), 60m),
            Event($"bob-2-{_run}", "purchase", bob, Now.AddDays(-10), 70m, "pos"),
            Event($"bob-3-{_run}", "support_call", bob, Now.AddHours(-1), channel: "phone"));

        // An anonymous profile merged into a customer by an identify, and an event to it after the merge.
        await Events(Live, Anonymous($"a1-1-{_run}", "page_view", caraAnonymous, Now.AddMinutes(-20)),
            Anonymous($"a1-2-{_run}", "cart_add", caraAnonymous, Now.AddMinutes(-15)));
        await Identify(Live, cara, caraAnonymous, new JsonObject { ["name"] = $"Cara {_run}", ["email"] = $"cara.{_run}@example.com" });
        await Events(Live, Event($"cara-1-{_run}", "purchase", cara, Now.AddMinutes(-1), 500m, "web"),
            Anonymous($"a1-3-{_run}", "page_view", caraAnonymous, Now.AddSeconds(-30)));

        // A batch of several customers.
        string[] crowd = [.. Enumerable.Range(1, 6).Select(i => $"crowd-{i}-{_run}")];
        await Events(Live, [.. crowd.SelectMany((customer, i) => new[]
        {
            Event($"{customer}-v", "page_view", customer, Now.AddHours(-i), channel: "app"),
            Event($"{customer}-p", "purchase", customer, Now.AddDays(-i * 3), 40m * i),
        })]);

        // A thousand more, for the pace of the replay (none of them a buyer).
        for (var batch = 0; batch < 2; batch++)
        {
            await Events(Live, [.. Enumerable.Range(batch * 500, 500).SelectMany(i => new[]
            {
                Event($"bulk-{i}-{_run}-v", "page_view", $"bulk-{i}-{_run}", Now.AddMinutes(-i % 600), channel: "web"),
                Event($"bulk-{i}-{_run}-p", "purchase", $"bulk-{i}-{_run}", Now.AddHours(-i % 700), 10m),
            })]);
        }

        // A customer with a merged profile, erased.
        await Events(Live, Anonymous($"a2-1-{_run}", "page_view", danAnonymous, Now.AddMinutes(-50)));
        await Identify(Live, dan, danAnonymous, new JsonObject { ["name"] = $"Dan {_run}", ["email"] = $"dan.{_run}@example.com" });
        await Events(Live, Event($"dan-1-{_run}", "purchase", dan, Now.AddMinutes(-40), 1000m));
        Assert.Equal(HttpStatusCode.NoContent, (await Live.As(AdminKey).DeleteAsync($"/v1/customers/{dan}")).StatusCode);

        await ReplayGatewayFixture.ArchivedAsync(Live);
        string[] ours = [ann, bob, cara, $"anon:{caraAnonymous}", .. crowd];
        Assert.All(ours, customer => Assert.Contains(customer, replay.Keys.Customers));
        Assert.DoesNotContain(dan, replay.Keys.Customers);
        Assert.DoesNotContain($"anon:{danAnonymous}", replay.Keys.Customers);
        // Every customer with a key, this test's and those other tests left (all archived): the replay rebuilds them all.
        var keyed = replay.Keys.Customers.Order(StringComparer.Ordinal).ToList();
        string[] buyers = [.. new[] { ann, bob, cara, crowd[3], crowd[4], crowd[5] }.Order(StringComparer.Ordinal)];
        var members = await UntilEqual(buyers, () => MembersAsync(Live, Segment));

        foreach (var customer in ours) Assert.Equal(HttpStatusCode.NotFound, (await Empty.As(AdminKey).GetAsync($"/v1/customers/{customer}")).StatusCode);
        await Define(Empty, Segment, "purchase.sum.30d > 100");
        var watch = Stopwatch.StartNew();
        var done = await ReplayAsync(Empty, new JsonObject { ["all"] = true });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay of {keyed.Count} customers into an empty cluster: {watch.Elapsed.TotalSeconds:F2} s, {keyed.Count / watch.Elapsed.TotalSeconds:F0} customers/s ({done["customersPerSecond"]} by its status)"));

        Assert.Equal("done", (string?)done["state"]);
        Assert.True((bool)done["all"]!);
        Assert.Equal(keyed.Count, (long)done["customers"]!);
        Assert.Equal(keyed.Count, (long)done["customersRead"]!);
        Assert.Equal(keyed.Count, (long)done["rebuilt"]!);
        Assert.Equal(0, (long)done["skipped"]!);
        Assert.Equal(0, (long)done["failed"]!);
        Assert.Empty(done["reasons"]!.AsArray());
        Assert.Equal(0, (double)done["etaSeconds"]!);

        // Every customer, field by field: the profile (counters, traits, consent, value scores, segments, activity)
        // and the export (merges, identifiers); only the seq moves on, by the restore's own write.
        foreach (var customer in keyed)
        {
            await AssertSameCustomerAsync(customer, Live, Empty);
        }

        // Not a comparison of two empty things: the rebuilt profile holds the history (the duplicate counted once, the
        // 40-day-old cart only in total, the removed trait gone).
        var rebuiltAnn = await ProfileAsync(Empty, ann);
        // A buyer leaves the segment when the purchase leaves the window: registered for a wake-up in this cluster too.
        Assert.Equal((long)(await ProfileAsync(Live, ann))["seq"]! + 2, (long)rebuiltAnn["seq"]!);
        Assert.Equal(1, (long)rebuiltAnn["counters"]!["purchase"]!["total"]!["count"]!);
        Assert.Equal(120.5, (double)rebuiltAnn["counters"]!["purchase"]!["7d"]!["sum"]!);
        Assert.Equal(0, (long)rebuiltAnn["counters"]!["cart_add"]!["30d"]!["count"]!);
        Assert.Equal(1, (long)rebuiltAnn["counters"]!["cart_add"]!["total"]!["count"]!);
        Assert.Equal(1, (long)rebuiltAnn["counters"]!["page_view"]!["1h"]!["count"]!);
        Assert.Equal("""{"country":"DK"}""", rebuiltAnn["traits"]!["descriptive"]!.ToJsonString());
        Assert.Equal("""{"email":true,"sms":false}""", rebuiltAnn["consent"]!.ToJsonString());
        Assert.Equal(120.5, (double)rebuiltAnn["value"]!["clv"]!["historic"]!);
        Assert.Equal("bronze", (string?)rebuiltAnn["value"]!["tier"]);
        Assert.Equal(Segment, (string?)Assert.Single(rebuiltAnn["segments"]!.AsArray())!["name"]);
        var rebuiltCara = await ApiAssert.Json(await Empty.As(AdminKey).GetAsync($"/v1/customers/{cara}/export"), HttpStatusCode.OK);
        Assert.Equal($"anon:{caraAnonymous}", (string?)Assert.Single(rebuiltCara["profile"]!["merges"]!.AsArray())!["from"]);
        Assert.Equal(2, (long)rebuiltCara["profile"]!["counters"]!["page_view"]!["1h"]!["count"]!);

        // The anonymous profile forwards to its customer again, and identifiers find their customers.
        Assert.Equal(cara, (string?)(await ApiAssert.Json(await Empty.As(AdminKey).GetAsync($"/v1/customers/anon:{caraAnonymous}"), HttpStatusCode.OK))["customerId"]);
        Assert.Equal(ann, (string?)(await ApiAssert.Json(await Empty.As(AdminKey).GetAsync($"/v1/customers?email=ann.{_run}@example.com"), HttpStatusCode.OK))["customerId"]);
        // The segment's member set is rebuilt too.
        await UntilEqual(members, () => MembersAsync(Empty, Segment));

        // The erased customer and its merged profile stay gone.
        foreach (var gone in new[] { dan, $"anon:{danAnonymous}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Empty.As(AdminKey).GetAsync($"/v1/customers/{gone}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Empty.As(AdminKey).GetAsync($"/v1/customers/{gone}/export")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Empty.As(AdminKey).GetAsync($"/v1/customers?email=dan.{_run}@example.com")).StatusCode);
    }

    [Fact]
    public async Task Rebuilding_one_customer_in_place_answers_202_with_its_progress_and_leaves_the_profile_as_it_was()
    {
        var customer = $"inplace-{_run}";
        await Events(Live, Event($"{customer}-1", "purchase", customer, Now.AddDays(-3), 75m, "web"),
            Event($"{customer}-2", "page_view", customer, Now.AddMinutes(-2), channel: "app"));
        await Traits(Live, customer, new JsonObject { ["name"] = "In Place", ["tier_hint"] = "x" });
        await ReplayGatewayFixture.ArchivedAsync(Live);
        var before = await ProfileAsync(Live, customer);

        var response = await Live.As(AdminKey).PostAsync("/v1/replays", Json($$"""{"customers": ["{{customer}}", "{{customer}}"]}"""));
        var started = await ApiAssert.Json(response, HttpStatusCode.Accepted);
        var id = (string)started["id"]!;
        Assert.Equal($"/v1/replays/{id}", response.Headers.Location?.OriginalString);
        Assert.Contains((string?)started["state"], new[] { "queued", "running" });
        Assert.False((bool)started["all"]!);
        Assert.Equal(1, (long)started["customers"]!);
        var done = await UntilFinishedAsync(Live, id);

        Assert.Equal("done", (string?)done["state"]);
        Assert.Equal(1, (long)done["customersRead"]!);
        Assert.Equal(1, (long)done["rebuilt"]!);
        Assert.Equal(0, (long)done["skipped"]!);
        Assert.Equal(0, (long)done["failed"]!);
        Assert.NotNull(done["finishedAt"]);
        var after = await ProfileAsync(Live, customer);
        Assert.Equal((long)before["seq"]! + 1, (long)after["seq"]!);
        Assert.Equal(WithoutSeq(before), WithoutSeq(after));

        // Written by the restore and archived like any write: a second rebuild reads it back and gives the same profile.
        await ReplayGatewayFixture.ArchivedAsync(Live);
        Assert.Equal("done", (string?)(await ReplayAsync(Live, new JsonObject { ["customers"] = new JsonArray(customer) }))["state"]);
        Assert.Equal(WithoutSeq(before), WithoutSeq(await ProfileAsync(Live, customer)));
    }

    [Fact]
    public async Task An_erased_customer_is_skipped_and_stays_erased()
    {
        var customer = $"erased-{_run}";
        await Events(Live, Event($"{customer}-1", "purchase", customer, Now.AddDays(-1), 30m));
        await ReplayGatewayFixture.ArchivedAsync(Live);
        Assert.Equal(HttpStatusCode.NoContent, (await Live.As(AdminKey).DeleteAsync($"/v1/customers/{customer}")).StatusCode);

        var done = await ReplayAsync(Live, new JsonObject { ["customers"] = new JsonArray(customer, $"never-{_run}") });

        Assert.Equal("done", (string?)done["state"]);
        Assert.Equal(2, (long)done["customers"]!);
        Assert.Equal(2, (long)done["customersRead"]!);
        Assert.Equal(0, (long)done["rebuilt"]!);
        Assert.Equal(2, (long)done["skipped"]!);
        Assert.Equal(0, (long)done["failed"]!);
        var reason = Assert.Single(done["reasons"]!.AsArray())!;
        Assert.Equal("skipped", (string?)reason["outcome"]);
        Assert.Equal("no archive key (never archived, or erased)", (string?)reason["reason"]);
        Assert.Equal(2, (long)reason["customers"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Live.As(AdminKey).GetAsync($"/v1/customers/{customer}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Live.As(AdminKey).GetAsync($"/v1/customers/never-{_run}")).StatusCode);
    }

    [Theory]
    [InlineData("{}", "customers")]
    [InlineData("""{"all": true, "customers": ["a"]}""", "all")]
    [InlineData("""{"all": false}""", "all")]
    [InlineData("""{"all": "yes"}""", "all")]
    [InlineData("""{"customers": []}""", "customers")]
    [InlineData("""{"customers": "a"}""", "customers")]
    [InlineData("""{"customers": ["has space"]}""", "customers")]
    [InlineData("""{"customers": ["email:ann@example.com"]}""", "customers")]
    [InlineData("""{"customers": [1]}""", "customers")]
    [InlineData("""{"everyone": true}""", "everyone")]
    [InlineData("""["a"]""", null)]
    [InlineData("not json", null)]
    public async Task A_bad_body_is_a_400_problem_naming_the_field(string body, string? field)
    {
        var problem = await ApiAssert.Problem(await Live.As(AdminKey).PostAsync("/v1/replays", Json(body)), HttpStatusCode.BadRequest);

        if (field is not null) Assert.Equal(field, (string?)problem["field"]);
    }

    [Fact]
    public async Task Replays_need_an_admin_key_and_an_unknown_replay_is_404()
    {
        var body = """{"all": true}""";
        await ApiAssert.Problem(await Live.As(null).PostAsync("/v1/replays", Json(body)), HttpStatusCode.Unauthorized);
        await ApiAssert.Problem(await Live.As("not-a-key").PostAsync("/v1/replays", Json(body)), HttpStatusCode.Unauthorized);
        await ApiAssert.Problem(await Live.As(AgentKey).PostAsync("/v1/replays", Json(body)), HttpStatusCode.Forbidden);
        await ApiAssert.Problem(await Live.As(ProducerKey).PostAsync("/v1/replays", Json(body)), HttpStatusCode.Forbidden);
        await ApiAssert.Problem(await Live.As(null).GetAsync($"/v1/replays/{_run}"), HttpStatusCode.Unauthorized);
        await ApiAssert.Problem(await Live.As(AgentKey).GetAsync($"/v1/replays/{_run}"), HttpStatusCode.Forbidden);

        var missing = await ApiAssert.Problem(await Live.As(AdminKey).GetAsync($"/v1/replays/{_run}"), HttpStatusCode.NotFound);
        Assert.Contains(_run, (string?)missing["detail"], StringComparison.Ordinal);
    }

    private static async Task AssertSameCustomerAsync(string customer, ArchiveSharingGateway live, ArchiveSharingGateway rebuilt)
    {
        var (expected, actual) = (await live.As(AdminKey).GetAsync($"/v1/customers/{customer}"), await rebuilt.As(AdminKey).GetAsync($"/v1/customers/{customer}"));
        Assert.True(expected.StatusCode == actual.StatusCode, $"{customer}: {expected.StatusCode} live, {actual.StatusCode} rebuilt");
        if (expected.StatusCode != HttpStatusCode.OK) return;
        var (liveProfile, rebuiltProfile) = (JsonNode.Parse(await expected.Content.ReadAsStringAsync())!, JsonNode.Parse(await actual.Content.ReadAsStringAsync())!);
        // The restore's own write, and for a customer whose answer time can change, its registration in this cluster's
        // wake-up schedule (a profile merged away shows its target).
        if ((string?)liveProfile["customerId"] == customer) Assert.InRange((long)rebuiltProfile["seq"]! - (long)liveProfile["seq"]!, 1, 2);
        Assert.Equal(WithoutSeq(liveProfile), WithoutSeq(rebuiltProfile));

        var (liveExport, rebuiltExport) = (await ExportAsync(live, customer), await ExportAsync(rebuilt, customer));
        Assert.Equal(liveExport, rebuiltExport);
    }

    private static async Task<string> ExportAsync(ArchiveSharingGateway gateway, string customer)
    {
        var export = (await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}/export"), HttpStatusCode.OK)).AsObject();
        // When it was exported and how many bytes its row takes (a snapshot now, a snapshot and entries live) are not the customer's.
        export.Remove("exportedAt");
        export.Remove("stored");
        export["profile"]!.AsObject().Remove("seq");
        return export.ToJsonString();
    }

    private static string WithoutSeq(JsonNode profile)
    {
        var copy = profile.DeepClone().AsObject();
        copy.Remove("seq");
        return copy.ToJsonString();
    }

    private static async Task<JsonNode> ProfileAsync(ArchiveSharingGateway gateway, string customer) =>
        await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/customers/{customer}"), HttpStatusCode.OK);

    private static async Task<List<string>> MembersAsync(ArchiveSharingGateway gateway, string segment)
    {
        var page = await ApiAssert.Json(await gateway.As(AdminKey).GetAsync($"/v1/segments/{segment}/members?limit=1000"), HttpStatusCode.OK);
        return [.. page["members"]!.AsArray().Select(member => (string)member!["customerId"]!)];
    }

    private static async Task<JsonNode> ReplayAsync(ArchiveSharingGateway gateway, JsonObject request)
    {
        var started = await ApiAssert.Json(await gateway.As(AdminKey).PostAsync("/v1/replays", Json(request.ToJsonString())), HttpStatusCode.Accepted);
        return await UntilFinishedAsync(gateway, (string)started["id"]!);
    }

    private static Task<JsonNode> UntilFinishedAsync(ArchiveSharingGateway gateway, string id) => ArchiveWaits.ReplayFinishedAsync(gateway, id, Patience);

    /// <summary>What <paramref name="read"/> reads once it is <paramref name="expected"/> (member sets learn of changes after the writes).</summary>
    private static Task<List<string>> UntilEqual(IReadOnlyList<string> expected, Func<Task<List<string>>> read) =>
        ArchiveWaits.UntilEqual(expected, read, TimeSpan.FromSeconds(10));

    private static async Task Define(ArchiveSharingGateway gateway, string segment, string rule) =>
        await ApiAssert.Json(await gateway.As(AdminKey).PutAsync($"/v1/segments/{segment}", Json(new JsonObject { ["rule"] = rule }.ToJsonString())), HttpStatusCode.OK);

    private static async Task Events(ArchiveSharingGateway gateway, params JsonObject[] events)
    {
        var answer = await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/events", Json(new JsonObject { ["events"] = new JsonArray(events) }.ToJsonString())), HttpStatusCode.Accepted);
        Assert.Empty(answer["rejected"]!.AsArray());
    }

    private static async Task Traits(ArchiveSharingGateway gateway, string customer, JsonObject traits) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PatchAsync($"/v1/customers/{customer}/traits", Json(traits.ToJsonString())), HttpStatusCode.OK);

    private static async Task Identify(ArchiveSharingGateway gateway, string customer, string anonymous, JsonObject traits) =>
        await ApiAssert.Json(await gateway.As(ProducerKey).PostAsync("/v1/identify", Json(new JsonObject
        {
            ["customerId"] = customer, ["anonymousId"] = anonymous, ["traits"] = traits,
        }.ToJsonString())), HttpStatusCode.OK);

    private static JsonObject Event(string id, string type, string customer, DateTimeOffset at, decimal? value = null, string? channel = null, JsonObject? properties = null)
    {
        var json = new JsonObject { ["id"] = id, ["type"] = type, ["customerId"] = customer, ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture) };
        if (value is { } amount) json["value"] = amount;
        if (channel is not null) json["channel"] = channel;
        if (properties is not null) json["properties"] = properties;
        return json;
    }

    private static JsonObject Anonymous(string id, string type, string anonymous, DateTimeOffset at) => new()
    {
        ["id"] = id, ["type"] = type, ["anonymousId"] = anonymous, ["timestamp"] = at.ToString("O", CultureInfo.InvariantCulture),
    };
}
