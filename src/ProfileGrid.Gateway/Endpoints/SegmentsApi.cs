using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Views;
using ProfileGrid.Rules;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>
/// Segment definitions (admin keys define, agents and admins read) and real-time membership checks: is a customer
/// in a segment right now, and why (docs/segments.md for the rule language).
/// </summary>
public static class SegmentsApi
{
    private const int MaxDefinitionBytes = 16 * 1024;
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int MaxCheckIds = 1000;
    private const int MaxCheckBytes = 256 * 1024;
    private const string Tag = "Segments";

    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder routes)
    {
        var readers = routes.MapPolicyGroup("/v1", Policies.ReadProfiles, Tag);
        readers.MapGet("/segments", List);
        readers.MapGet("/segments/{name}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        readers.MapGet("/segments/{name}/members", Members).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        readers.MapGet("/segments/{name}/members/{customerId}", IsMember).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        readers.MapPost("/segments/{name}/check", Check).AcceptsJsonBody<CheckRequest>().ProducesProblem(StatusCodes.Status404NotFound);

        var admins = routes.MapPolicyGroup("/v1", Policies.Admin, Tag);
        admins.MapPut("/segments/{name}", Define).AcceptsJsonBody<SegmentDefinitionRequest>().ProducesProblem(StatusCodes.Status409Conflict);
        admins.MapPost("/segments/{name}/reconcile", Reconcile).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    /// <summary><c>{"rule": "...", "description": "..."}</c>: creates or replaces the segment.</summary>
    /// <remarks>
    /// A rule that reads the <c>365d</c> of a type no segment read a year of before starts a replay of every customer
    /// from the archive, which brings that year back (<c>history</c> in the answer names it, to follow at
    /// <c>/v1/replays/{id}</c>); with archiving off it is refused, there being nothing to replay (docs/segments.md).
    /// </remarks>
    internal static async Task<Results<Ok<SegmentDefinitionView>, ProblemHttpResult>> Define(
        string name, HttpRequest request, ClaimsPrincipal user, SegmentCatalog segments, IGrainFactory grains)
    {
        if (!SegmentNames.IsValid(name)) return Problem.BadRequest($"A segment name is {SegmentNames.Rule}.", "name");
        var (body, problem) = await JsonBody.ReadAsync(request, MaxDefinitionBytes);
        if (body is null) return problem!;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object) return Problem.BadRequest("The body must be a JSON object.");
            if (!root.TryGetProperty("rule", out var ruleElement) || ruleElement.ValueKind != JsonValueKind.String)
                return Problem.BadRequest("rule is required: a string in the rule language (docs/segments.md).", "rule");
            string? description = null;
            if (root.TryGetProperty("description", out var descriptionElement) && descriptionElement.ValueKind != JsonValueKind.Null)
            {
                if (descriptionElement.ValueKind != JsonValueKind.String || descriptionElement.GetString()!.Length > 1024)
                    return Problem.BadRequest("description must be a string of at most 1,024 characters.", "description");
                description = descriptionElement.GetString();
            }

            var rule = ruleElement.GetString()!;
            if (!RuleParser.TryParseCanonical(rule, out _, out var error)) return Problem.BadRule(error!);
            if ((await segments.CurrentAsync()).Count >= SegmentNames.MaxSegments && await segments.FindAsync(name) is null)
                return Problem.BadRequest($"A deployment holds at most {SegmentNames.MaxSegments} segments.", "name");
            SegmentDefinition definition;
            try
            {
                definition = await segments.DefineAsync(name, rule, description, ApiKeyAuthenticationHandler.ProducerOf(user));
            }
            catch (ArgumentException refused)
            {
                // The registry's own checks: a rule that needs a history back-fill with no archive to replay.
                return Problem.BadRequest(refused.Message, "rule");
            }
            catch (InvalidOperationException busy)
            {
                return Problem.Conflict(busy.Message, "rule");
            }

            return TypedResults.Ok(await SegmentDefinitionView.ReadAsync(definition, grains));
        }
    }

    internal static async Task<Ok<SegmentListView>> List(SegmentCatalog segments) =>
        TypedResults.Ok(new SegmentListView([.. (await segments.CurrentAsync()).Select(s => SegmentDefinitionView.From(s.Definition))]));

    /// <summary>The definition, the member count, and the progress of its back-fill and reconciliation.</summary>
    internal static async Task<Results<Ok<SegmentView>, ProblemHttpResult>> Get(string name, SegmentCatalog segments, IGrainFactory grains) =>
        await segments.FindAsync(name) is { } segment ? TypedResults.Ok(await SegmentView.ReadAsync(segment, grains)) : Unknown(name);

    /// <summary>
    /// <c>?after={customerId}&amp;limit={1..1000}</c> (default 100): members in customer id order (ordinal), each with
    /// since when; <c>next</c> is the <c>after</c> of the next page, absent on the last.
    /// </summary>
    internal static async Task<Results<Ok<MembersPageView>, ProblemHttpResult>> Members(
        string name, string? after, int? limit, SegmentCatalog segments, IGrainFactory grains)
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize) return Problem.BadRequest($"limit is 1 to {MaxPageSize}.", "limit");
        if (after is not null && !CustomerKeys.IsValidKey(after)) return Problem.BadRequest($"after must be a customer id ({CustomerKeys.Rule}).", "after");
        if (await segments.FindAsync(name) is null) return Unknown(name);

        // Each shard's first members after the cursor, merged: the page is the first 'size' of them all.
        var shards = await Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => grains.For(name, shard).Members(after, size + 1)));
        var merged = shards.SelectMany(members => members).OrderBy(member => member.CustomerId, StringComparer.Ordinal).Take(size + 1).ToList();
        var page = merged.Take(size).Select(member => new MemberView(member.CustomerId, member.Since)).ToArray();
        return TypedResults.Ok(new MembersPageView(name, page, merged.Count > size ? page[^1].CustomerId : null));
    }

    /// <summary>
    /// Whether the customer is in the segment now, and why: evaluated on the live profile (an unknown customer is not);
    /// identity trait values in the reasons masked unless the key has the <c>pii</c> scope.
    /// </summary>
    internal static async Task<Results<Ok<MembershipView>, ProblemHttpResult>> IsMember(
        string name, string customerId, ClaimsPrincipal user, SegmentCatalog segments, CustomerGrains customers)
    {
        if (!CustomerKeys.IsValidKey(customerId)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}.", "customerId");
        if (await segments.FindAsync(name) is not { } segment) return Unknown(name);
        var membership = await MembershipAsync(segment, customerId, customers);
        return TypedResults.Ok(PersonalData.MaySee(user) ? membership : membership with { Reasons = PersonalData.MaskReasons(membership.Reasons) });
    }

    /// <summary><c>{"customerIds": [...]}</c> (up to 1,000): which of them are in the segment now.</summary>
    internal static async Task<Results<Ok<CheckView>, ProblemHttpResult>> Check(
        string name, HttpRequest request, SegmentCatalog segments, CustomerGrains customers)
    {
        if (await segments.FindAsync(name) is not { } segment) return Unknown(name);
        var (body, problem) = await JsonBody.ReadAsync(request, MaxCheckBytes);
        if (body is null) return problem!;
        List<string> ids;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("customerIds", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array)
                return Problem.BadRequest("Send {\"customerIds\": [...]}.", "customerIds");
            if (idsElement.GetArrayLength() is 0 or > MaxCheckIds)
                return Problem.BadRequest($"customerIds holds 1 to {MaxCheckIds} ids.", "customerIds");
            ids = [];
            foreach (var element in idsElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String || !CustomerKeys.IsValidKey(element.GetString()!))
                    return Problem.BadRequest($"Every customer id must be {CustomerKeys.Rule}.", "customerIds");
                ids.Add(element.GetString()!);
            }
        }

        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var results = await Task.WhenAll(distinct.Select(id => MembershipAsync(segment, id, customers)));
        var notEvaluable = results.Where(r => r.NotEvaluable == true).Select(r => r.CustomerId).ToArray();
        return TypedResults.Ok(new CheckView(segment.Definition.Name,
            [.. results.Where(r => r.Member).Select(r => r.CustomerId)],
            [.. results.Where(r => !r.Member && r.NotEvaluable is null).Select(r => r.CustomerId)],
            notEvaluable.Length == 0 ? null : notEvaluable));
    }

    /// <summary>Starts repairing the member set against the customers (docs/segments.md); <c>202</c> with its progress, as <c>GET</c> shows it.</summary>
    internal static async Task<Results<Accepted<ReconcileView>, ProblemHttpResult>> Reconcile(string name, SegmentCatalog segments, IGrainFactory grains)
    {
        if (await segments.FindAsync(name) is null) return Unknown(name);
        var status = await grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).Reconcile(name);
        return TypedResults.Accepted($"/v1/segments/{name}", ReconcileView.From(status));
    }

    private static async Task<MembershipView> MembershipAsync(Segment segment, string customerId, CustomerGrains customers)
    {
        var profile = await customers.Get(customerId).GetProfile();
        if (profile is null) return new MembershipView(segment.Definition.Name, customerId, false, [], null);
        if (SegmentCatalog.Evaluate(segment, new ProfileRuleInput(profile)) is not { } outcome)
            return new MembershipView(segment.Definition.Name, customerId, false, [], profile.AsOf, NotEvaluable: true);
        return new MembershipView(segment.Definition.Name, customerId, outcome.Matches, [.. outcome.Reasons], profile.AsOf);
    }

    private static ProblemHttpResult Unknown(string name) => Problem.NotFound($"No segment '{name}' is defined.");
}

/// <summary>A segment's definition; <c>history</c> when its rule made types history types (absent otherwise).</summary>
public sealed record SegmentDefinitionView(
    string Name, string Rule, string? Description, DateTimeOffset DefinedAt, string DefinedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HistoryBackfillView? History = null)
{
    /// <summary>The definition as listed: a history back-fill named, without its progress (one call per segment would be too many).</summary>
    public static SegmentDefinitionView From(SegmentDefinition definition) =>
        new(definition.Name, definition.Rule, definition.Description, definition.DefinedAt, definition.DefinedBy, HistoryBackfillView.Of(definition, null));

    /// <summary>The definition with its history back-fill's progress.</summary>
    public static async Task<SegmentDefinitionView> ReadAsync(SegmentDefinition definition, IGrainFactory grains) =>
        From(definition) with { History = await HistoryBackfillView.ReadAsync(definition, grains) };
}

/// <summary>
/// The replay that brings back the year of the event types a segment's rule made history types (<c>types</c>: those
/// its rule reads the <c>365d</c> of): follow it at <c>replay</c> (<c>/v1/replays/{id}</c>). <c>state</c> is the
/// replay's (<c>queued</c>, <c>running</c>, <c>done</c>, <c>failed</c>, or <c>forgotten</c> once the grid no longer
/// remembers it); until it is done, customers count only the year they kept (30 days before the definition).
/// </summary>
public sealed record HistoryBackfillView(
    string ReplayId, string Replay, string[] Types,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Rebuilt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Failed = null)
{
    public static HistoryBackfillView? Of(SegmentDefinition definition, ProfileGrid.Replay.ReplayStatus? status) =>
        definition.HistoryReplay is not { } id ? null
            : new HistoryBackfillView(id, $"/v1/replays/{id}", [.. Operand.YearTypes(RuleParser.ParseCanonical(definition.Rule))],
                status?.State.ToString().ToLowerInvariant(), status?.Rebuilt, status?.Failed);

    public static async Task<HistoryBackfillView?> ReadAsync(SegmentDefinition definition, IGrainFactory grains)
    {
        if (definition.HistoryReplay is not { } id) return null;
        var status = await grains.GetGrain<ProfileGrid.Replay.IReplayGrain>(ProfileGrid.Replay.IReplayGrain.Key).Status(id);
        var view = Of(definition, status)!;
        return status is null ? view with { State = "forgotten" } : view;
    }
}

public sealed record SegmentListView(SegmentDefinitionView[] Segments);

/// <summary>A segment: its definition, how many customers are in it now, and the progress of its back-fill and reconciliation.</summary>
public sealed record SegmentView(
    string Name, string Rule, string? Description, DateTimeOffset DefinedAt, string DefinedBy, long Size, BackfillView Backfill, ReconcileView Reconcile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HistoryBackfillView? History = null)
{
    public static async Task<SegmentView> ReadAsync(Segment segment, IGrainFactory grains)
    {
        var definition = segment.Definition;
        var counts = Task.WhenAll(Enumerable.Range(0, SegmentShards.Count).Select(shard => grains.For(definition.Name, shard).Count()));
        var sweep = grains.GetGrain<ISegmentSweepGrain>(ISegmentSweepGrain.Key).Status(definition.Name);
        var history = HistoryBackfillView.ReadAsync(definition, grains);
        var status = await sweep;
        return new SegmentView(definition.Name, definition.Rule, definition.Description, definition.DefinedAt, definition.DefinedBy,
            (await counts).Sum(count => (long)count), BackfillView.From(status.Backfill), ReconcileView.From(status.Reconcile), await history);
    }
}

/// <summary>A back-fill: <c>none</c>, <c>running</c>, <c>done</c> or <c>failed</c>, with the customers visited so far.</summary>
public sealed record BackfillView(string State, long Visited, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public static BackfillView From(BackfillStatus status) =>
        new(status.State.ToString().ToLowerInvariant(), status.Visited, status.StartedAt, status.FinishedAt, status.Error);
}

/// <summary>
/// A reconciliation: <c>none</c>, <c>running</c>, <c>done</c> or <c>failed</c>, with the customers visited, the members
/// checked against their customers, and those taken out because their customer is not in the segment.
/// </summary>
public sealed record ReconcileView(
    string State, long Visited, long MembersChecked, long MembersRemoved, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public static ReconcileView From(ReconcileStatus status) =>
        new(status.State.ToString().ToLowerInvariant(), status.Visited, status.MembersChecked, status.MembersRemoved, status.StartedAt, status.FinishedAt, status.Error);
}

public sealed record MemberView(string CustomerId, DateTimeOffset Since);

public sealed record MembersPageView(string Segment, MemberView[] Members, string? Next);

/// <summary>Whether a customer is in a segment now, and why.</summary>
/// <param name="NotEvaluable">True when the segment's rule failed on this customer: <c>member</c> is then false, but not known (absent otherwise).</param>
public sealed record MembershipView(
    string Segment, string CustomerId, bool Member, RuleReason[] Reasons, DateTimeOffset? AsOf,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? NotEvaluable = null);

/// <summary>Which customers are in a segment now.</summary>
/// <param name="NotEvaluable">Those on whom the segment's rule failed (absent when none): neither members nor known not to be.</param>
public sealed record CheckView(
    string Segment, string[] Members, string[] NotMembers,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? NotEvaluable = null);

/// <summary>The body of <c>PUT /v1/segments/{name}</c>, for the API document only (read by hand, as every body is; see <see cref="JsonBody"/>).</summary>
public sealed record SegmentDefinitionRequest(string Rule, string? Description = null);

/// <summary>The body of <c>POST /v1/segments/{name}/check</c>, for the API document only.</summary>
public sealed record CheckRequest(string[] CustomerIds);
