using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Gateway.Endpoints;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Compat;

/// <summary>
/// The Segment tracking spec under <c>/compat/segment/v1/</c>, so that instrumentation written for Segment (analytics.js,
/// analytics-node, RudderStack's SDKs) sends to ProfileGrid by changing only the host: <c>track</c>, <c>identify</c>,
/// <c>page</c>, <c>screen</c>, <c>group</c>, <c>alias</c> and <c>batch</c> (and the one-letter paths analytics.js
/// uses). The write key is a producer key, as HTTP Basic user name or <c>writeKey</c> in the body. The answer,
/// <c>200 {"success": true}</c>, comes once every valid message is stored; invalid messages of a batch are listed in
/// <c>rejected</c> and the others still apply. The mapping is in docs/sending-events.md.
/// </summary>
public static class SegmentApi
{
    public const string Prefix = "/compat/segment/v1";
    public const int MaxMessageBytes = 32 * 1024;
    public const int MaxBatchBytes = 500 * 1024;

    /// <summary>
    /// Pages on any site post here (analytics.js): the routes answer cross-origin POSTs. They only take events, and
    /// only with a write key, which a page holds in plain sight anyway; no other route allows other origins.
    /// </summary>
    public const string CorsPolicy = "segment";

    public static void ConfigureCors(Microsoft.AspNetCore.Cors.Infrastructure.CorsPolicyBuilder policy) =>
        policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("POST").SetPreflightMaxAge(TimeSpan.FromHours(1));

    private static readonly (string Path, string? Type)[] Routes =
    [
        ("track", "track"), ("t", "track"), ("identify", "identify"), ("i", "identify"), ("page", "page"), ("p", "page"),
        ("screen", "screen"), ("s", "screen"), ("group", "group"), ("g", "group"), ("alias", "alias"), ("a", "alias"),
        ("batch", null), ("b", null), ("import", null),
    ];

    /// <summary>The roles whose keys are write keys.</summary>
    public static readonly WriteKeyAuthentication WriteKeys = new([ApiRole.Producer, ApiRole.Admin]);

    public static IEndpointRouteBuilder MapSegmentApi(this IEndpointRouteBuilder routes)
    {
        var compat = routes.MapWriteKeyGroup(Prefix);
        foreach (var (path, type) in Routes)
        {
            var route = compat.MapPost($"/{path}", (HttpRequest request, ApiKeyStore keys, SegmentIngestion ingestion) => HandleAsync(request, type, keys, ingestion));
            if (type is null) route.AcceptsJsonBody<SegmentBatchInput>("text/plain");
            else route.AcceptsJsonBody<SegmentMessageInput>("text/plain");
        }

        // analytics-node and other server SDKs post every call to {host}/v1/batch: this path is not one of the native
        // routes, so a shop changes only its SDK's host to the gateway's.
        routes.MapWriteKeyGroup("/v1")
            .MapPost("/batch", (HttpRequest request, ApiKeyStore keys, SegmentIngestion ingestion) => HandleAsync(request, null, keys, ingestion))
            .AcceptsJsonBody<SegmentBatchInput>("text/plain");
        return routes;
    }

    /// <summary>
    /// Authenticated by the handler, not by the API key scheme: Segment's SDKs send the key as Basic user name or in
    /// the body (<see cref="WriteKeys"/> says whose keys, for the document too).
    /// </summary>
    private static RouteGroupBuilder MapWriteKeyGroup(this IEndpointRouteBuilder routes, string prefix) =>
        routes.MapGroup(prefix).AllowAnonymous().RequireCors(CorsPolicy).WithMetadata(WriteKeys).WithTags("Segment-compatible").ProducesKeyProblems();

    internal static async Task<Results<Ok<SegmentResponse>, ProblemHttpResult>> HandleAsync(
        HttpRequest request, string? type, ApiKeyStore keys, SegmentIngestion ingestion)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var (body, problem) = await JsonBody.ReadAsync(request, type is null ? MaxBatchBytes : MaxMessageBytes, textPlain: true);
        if (body is null) return problem!;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object) return Problem.BadRequest("The body must be a JSON object.");
            var (producer, refused) = Authenticate(request, root, keys);
            if (refused is not null) return refused;

            List<SegmentMessage> messages = [];
            DateTimeOffset? sentAt = SegmentMessages.SentAt(root);
            if (type is not null)
            {
                messages.Add(new SegmentMessage(0, type, root));
            }
            else
            {
                if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
                    return Problem.BadRequest("A batch is {\"batch\": [messages...], \"sentAt\": ...}.", "batch");
                var index = 0;
                foreach (var message in batch.EnumerateArray()) messages.Add(new SegmentMessage(index++, null, message));
            }

            var answer = await ingestion.ApplyAsync(producer!, messages, sentAt, receivedAt);
            if (type is not null && answer.Rejected is [var only]) return Problem.BadRequest($"The message was not applied: {only.Error}.");
            return TypedResults.Ok(answer);
        }
    }

    /// <summary>The producer behind the write key, or the 401/403 that refuses it.</summary>
    private static (string? Producer, ProblemHttpResult? Problem) Authenticate(HttpRequest request, JsonElement root, ApiKeyStore keys)
    {
        var presented = BasicUserName(request) ?? (root.TryGetProperty("writeKey", out var writeKey) && writeKey.ValueKind == JsonValueKind.String ? writeKey.GetString() : null);
        if (string.IsNullOrEmpty(presented))
            return (null, Problem.Unauthorized("Send the write key (a producer key) as the HTTP Basic user name, or as writeKey in the body."));
        if (keys.Find(presented, request.HttpContext) is not { } key) return (null, Problem.Unauthorized("The write key is not valid."));
        if (!WriteKeys.Roles.Contains(key.Options.Role))
            return (null, Problem.Forbidden($"A key with the role '{key.Options.Role.ToString().ToLowerInvariant()}' may not send events."));
        return (key.Principal.FindFirstValue(AgentClaims.Name), null);
    }

    private static string? BasicUserName(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? decoded : decoded[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// The answer: <c>success</c> as Segment's API gives it; the messages this call stored (events new to their customer,
/// identify, alias and group calls applied); the events stored before under their messageId (retries, copies); and
/// the messages not applied with why.
/// </summary>
public sealed record SegmentResponse(bool Success, int Applied, int Duplicates, List<EventRejection> Rejected);

/// <summary>
/// A message of the Segment tracking spec, for the API document only: the routes read messages by hand
/// (<see cref="SegmentMessages"/>), since the spec's messages are free-form (any other field is allowed and ignored)
/// and each message of a batch gets its own rejection. The fields ProfileGrid reads: docs/sending-events.md.
/// </summary>
public sealed record SegmentMessageInput(
    string? Type = null, string? MessageId = null, string? UserId = null, string? AnonymousId = null, string? Event = null, string? Name = null,
    string? GroupId = null, string? PreviousId = null, Dictionary<string, JsonElement>? Properties = null, Dictionary<string, JsonElement>? Traits = null,
    Dictionary<string, JsonElement>? Context = null, DateTimeOffset? Timestamp = null, DateTimeOffset? SentAt = null, string? WriteKey = null);

/// <summary>A Segment batch, <c>{"batch": [messages], "sentAt": ..., "writeKey": ...}</c>, for the API document only.</summary>
public sealed record SegmentBatchInput(SegmentMessageInput[] Batch, DateTimeOffset? SentAt = null, string? WriteKey = null);
