using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Replay;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>
/// Replays (admin keys): rebuild customers from the archive, one, a list, or every customer, in the background, with
/// their progress (docs/operations.md, "Rebuild customers from the archive").
/// </summary>
public static class ReplaysApi
{
    public const int MaxCustomers = 1000;
    private const int MaxBodyBytes = 256 * 1024;
    private const string Tag = "Replays";
    private const string Shape = "Send {\"customers\": [\"id\", ...]} or {\"all\": true}.";

    public static IEndpointRouteBuilder MapReplaysApi(this IEndpointRouteBuilder routes)
    {
        var admins = routes.MapPolicyGroup("/v1", Policies.Admin, Tag);
        admins.MapPost("/replays", Start).AcceptsJsonBody<ReplayCustomersRequest, ReplayAllRequest>().ProducesProblem(StatusCodes.Status409Conflict);
        admins.MapGet("/replays/{id}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    /// <summary><c>{"customers": [...]}</c> (1 to 1,000 customer ids) or <c>{"all": true}</c>: starts a replay; <c>202</c> with its progress.</summary>
    internal static async Task<Results<Accepted<ReplayView>, ProblemHttpResult>> Start(HttpRequest request, IGrainFactory grains)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, MaxBodyBytes);
        if (body is null) return problem!;
        string[]? customers;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object) return Problem.BadRequest($"The body must be a JSON object. {Shape}");
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("customers" or "all")) return Problem.BadRequest($"Unknown property '{property.Name}'. {Shape}", property.Name);
            }

            var hasCustomers = root.TryGetProperty("customers", out var customersElement);
            var hasAll = root.TryGetProperty("all", out var allElement);
            if (hasCustomers == hasAll) return Problem.BadRequest($"Name exactly one of customers and all. {Shape}", hasAll ? "all" : "customers");
            if (hasAll)
            {
                if (allElement.ValueKind != JsonValueKind.True) return Problem.BadRequest("all must be true (to name some customers, send customers instead).", "all");
                customers = null;
            }
            else
            {
                if (customersElement.ValueKind != JsonValueKind.Array || customersElement.GetArrayLength() is 0 or > MaxCustomers)
                    return Problem.BadRequest($"customers holds 1 to {MaxCustomers} customer ids.", "customers");
                var ids = new List<string>();
                foreach (var element in customersElement.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.String || !CustomerKeys.IsValidKey(element.GetString()!))
                        return Problem.BadRequest($"Every customer id must be {CustomerKeys.Rule} (or anon: and an anonymous id).", "customers");
                    ids.Add(element.GetString()!);
                }

                customers = [.. ids.Distinct(StringComparer.Ordinal)];
            }
        }

        if (await grains.GetGrain<IReplayGrain>(IReplayGrain.Key).Start(customers) is not { } status)
            return Problem.Conflict($"{ReplaysState.MaxUnfinished} replays are already waiting or running; start this one when one of them is done.");
        return TypedResults.Accepted($"/v1/replays/{status.Id}", ReplayView.From(status));
    }

    internal static async Task<Results<Ok<ReplayView>, ProblemHttpResult>> Get(string id, IGrainFactory grains) =>
        await grains.GetGrain<IReplayGrain>(IReplayGrain.Key).Status(id) is { } status
            ? TypedResults.Ok(ReplayView.From(status))
            : Problem.NotFound($"No replay '{id}' is known (the grid remembers the last {ReplaysState.MaxJobs}).");
}

/// <summary>Rebuild these customers (1 to 1,000 ids; <c>anon:…</c> for an anonymous profile).</summary>
public sealed record ReplayCustomersRequest(string[] Customers);

/// <summary>Rebuild every customer that has an archive key.</summary>
public sealed record ReplayAllRequest(bool All);

/// <summary>
/// A replay: <c>queued</c> (waiting for the one before), <c>running</c>, <c>done</c>, or <c>failed</c> (it went round, but
/// some customers could not be rebuilt: <c>reasons</c> says why). <c>customers</c> is how many it rebuilds (null until
/// counted); <c>customersRead</c> those read so far, each then <c>rebuilt</c>, <c>skipped</c> (nothing to rebuild) or
/// <c>failed</c>; <c>customersPerSecond</c> since it started, and <c>etaSeconds</c> at that pace.
/// </summary>
public sealed record ReplayView(
    string Id, string State, bool All, long? Customers, long CustomersRead, long Rebuilt, long Skipped, long Failed,
    double CustomersPerSecond, double? EtaSeconds, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    ReplayReasonView[] Reasons, string? Error)
{
    public static ReplayView From(ReplayStatus status) => new(
        status.Id, status.State.ToString().ToLowerInvariant(), status.All, status.Customers, status.CustomersRead, status.Rebuilt, status.Skipped,
        status.Failed, status.CustomersPerSecond, status.EtaSeconds, status.RequestedAt, status.StartedAt, status.FinishedAt,
        [.. status.Reasons.Select(reason => new ReplayReasonView(reason.Outcome, reason.Reason, reason.Customers))], status.Error);
}

/// <summary>Why <c>customers</c> customers were skipped or failed (<c>outcome</c>).</summary>
public sealed record ReplayReasonView(string Outcome, string Reason, long Customers);
