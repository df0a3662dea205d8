using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Destinations;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Gateway.Views;

namespace ProfileGrid.Gateway.Endpoints;

/// <summary>
/// Destinations (admin keys only: they hold signing secrets and say where customer data goes): webhook endpoints told
/// of segment changes, events, trait and consent changes as signed CloudEvents, and their dead letters
/// (docs/destinations.md).
/// </summary>
public static class DestinationsApi
{
    private const int MaxDefinitionBytes = 32 * 1024;
    public const int DefaultLetterLimit = 100;
    public const int MaxLetterLimit = 1000;
    private const string Tag = "Destinations";
    private static readonly string[] Fields = ["url", "secret", "headers", "filter", "purposes", "personalData"];
    private static readonly string[] FilterFields = ["segments", "events", "when", "traits", "consent"];

    public static IEndpointRouteBuilder MapDestinationsApi(this IEndpointRouteBuilder routes)
    {
        var admins = routes.MapPolicyGroup("/v1", Policies.Admin, Tag);
        admins.MapGet("/destinations", List);
        admins.MapGet("/destinations/{name}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        admins.MapPut("/destinations/{name}", Define).AcceptsJsonBody<DestinationRequest>();
        admins.MapDelete("/destinations/{name}", Remove).ProducesProblem(StatusCodes.Status404NotFound);
        admins.MapGet("/destinations/{name}/dead-letters", DeadLetters).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admins.MapPost("/destinations/{name}/dead-letters/redeliver", Redeliver).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        admins.MapGet("/destinations/{name}/status", Status).ProducesProblem(StatusCodes.Status404NotFound);

        // What a customer's destinations were told: agents see it on the customer's card (ids, types, times; never bodies).
        var readers = routes.MapPolicyGroup("/v1", Policies.ReadProfiles, Tag);
        readers.MapGet("/customers/{id}/deliveries", Told).ProducesProblem(StatusCodes.Status400BadRequest);
        return routes;
    }

    /// <summary>
    /// <c>{"url", "secret"?, "headers"?, "filter": {"segments"?, "events"?, "when"?, "traits"?, "consent"?}, "purposes"?, "personalData"?}</c>:
    /// creates or replaces the destination (<c>when</c>: a rule of the segment language the events are sent only under). Without a secret one is generated, and this answer is the only one that shows it.
    /// </summary>
    internal static async Task<Results<Ok<DestinationView>, ProblemHttpResult>> Define(
        string name, HttpRequest request, ClaimsPrincipal user, DestinationCatalog destinations)
    {
        if (!DestinationRules.IsValidName(name)) return Problem.BadRequest($"A destination name is {DestinationRules.NameRule}.", "name");
        var (body, problem) = await JsonBody.ReadAsync(request, MaxDefinitionBytes);
        if (body is null) return problem!;
        DestinationDefinition definition;
        bool generated;
        using (body)
        {
            var root = body.Root;
            if (root.ValueKind != JsonValueKind.Object) return Problem.BadRequest("The body must be a JSON object.");
            if (Unknown(root, Fields) is { } field) return Problem.BadRequest($"'{field}' is not a destination field (known: {string.Join(", ", Fields)}).", field);
            if (!root.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String)
                return Problem.BadRequest("url is required: an https:// URL (http:// only for a loopback host).", "url");
            var url = urlElement.GetString()!;
            string secret;
            if (root.TryGetProperty("secret", out var secretElement) && secretElement.ValueKind != JsonValueKind.Null)
            {
                if (secretElement.ValueKind != JsonValueKind.String) return Problem.BadRequest("secret must be a string: whsec_ and base64.", "secret");
                (secret, generated) = (secretElement.GetString()!, false);
            }
            else
            {
                (secret, generated) = (WebhookSecret.Generate(), true);
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("headers", out var headersElement) && headersElement.ValueKind != JsonValueKind.Null)
            {
                if (headersElement.ValueKind != JsonValueKind.Object) return Problem.BadRequest("headers must be an object of header names to string values.", "headers");
                foreach (var header in headersElement.EnumerateObject())
                {
                    if (header.Value.ValueKind != JsonValueKind.String) return Problem.BadRequest($"header '{header.Name}' must have a string value.", "headers");
                    if (!headers.TryAdd(header.Name, header.Value.GetString()!)) return Problem.BadRequest($"header '{header.Name}' is given twice.", "headers");
                }
            }

            if (!root.TryGetProperty("filter", out var filterElement) || filterElement.ValueKind != JsonValueKind.Object)
                return Problem.BadRequest("filter is required: an object with segments and events (arrays of names), when (a rule the events are sent under), traits and consent (true or false).", "filter");
            if (Unknown(filterElement, FilterFields) is { } filterField)
                return Problem.BadRequest($"'filter.{filterField}' is not a filter field (known: {string.Join(", ", FilterFields)}).", "filter." + filterField);
            if (ReadNames(filterElement, "segments") is not { } segments) return NotNames("filter.segments");
            if (ReadNames(filterElement, "events") is not { } events) return NotNames("filter.events");
            string? when = null;
            if (filterElement.TryGetProperty("when", out var whenElement) && whenElement.ValueKind != JsonValueKind.Null)
            {
                if (whenElement.ValueKind != JsonValueKind.String)
                    return Problem.BadRequest("filter.when must be a string: a rule of the segment language, e.g. \"cart_add.1h >= 1\".", "filter.when");
                when = whenElement.GetString();
            }

            if (ReadFlag(filterElement, "traits") is not { } traits) return Problem.BadRequest("filter.traits must be true or false.", "filter.traits");
            if (ReadFlag(filterElement, "consent") is not { } consent) return Problem.BadRequest("filter.consent must be true or false.", "filter.consent");
            if (ReadNames(root, "purposes") is not { } purposes) return NotNames("purposes");
            if (ReadFlag(root, "personalData") is not { } personalData) return Problem.BadRequest("personalData must be true or false.", "personalData");

            definition = new DestinationDefinition(name, url, secret, headers, new DestinationFilter(segments, events, traits, consent, when), purposes, personalData,
                DateTimeOffset.UtcNow, ApiKeyAuthenticationHandler.ProducerOf(user));
        }

        if (DestinationRules.Check(definition) is { } broken) return Problem.BadRequest(broken.Problem, broken.Field);
        if ((await destinations.CurrentAsync()).Count >= DestinationRules.MaxDestinations && await destinations.FindAsync(name) is null)
            return Problem.BadRequest($"A deployment holds at most {DestinationRules.MaxDestinations} destinations.", "name");
        var stored = await destinations.DefineAsync(definition);
        return TypedResults.Ok(DestinationView.From(stored, showSecret: generated));
    }

    internal static async Task<Ok<DestinationListView>> List(DestinationCatalog destinations) =>
        TypedResults.Ok(new DestinationListView([.. (await destinations.CurrentAsync()).Select(d => DestinationView.From(d, showSecret: false))]));

    internal static async Task<Results<Ok<DestinationView>, ProblemHttpResult>> Get(string name, DestinationCatalog destinations) =>
        await destinations.FindAsync(name) is { } destination ? TypedResults.Ok(DestinationView.From(destination, showSecret: false)) : Unknown(name);

    /// <summary>Removes the destination: nothing more is sent to it; what its queues still held is dropped, and its dead letters with it.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(string name, DestinationCatalog destinations, IGrainFactory grains)
    {
        if (!await destinations.RemoveAsync(name)) return Unknown(name);
        await grains.GetGrain<IDeadLetterGrain>(name).Clear();
        return TypedResults.NoContent();
    }

    /// <summary><c>?limit={1..1000}</c> (default 100): the oldest dead letters, each with its CloudEvent, attempts and last error.</summary>
    internal static async Task<Results<Ok<DeadLettersView>, ProblemHttpResult>> DeadLetters(string name, int? limit, DestinationCatalog destinations, IGrainFactory grains)
    {
        var size = limit ?? DefaultLetterLimit;
        if (size is < 1 or > MaxLetterLimit) return Problem.BadRequest($"limit is 1 to {MaxLetterLimit}.", "limit");
        if (await destinations.FindAsync(name) is null) return Unknown(name);
        var page = await grains.GetGrain<IDeadLetterGrain>(name).List(size);
        return TypedResults.Ok(new DeadLettersView(name, page.Total, page.Dropped, [.. page.Letters.Select(DeadLetterView.From)]));
    }

    /// <summary><c>?limit={1..1000}</c> (default 100): queues the oldest dead letters again, with their ids, and removes them from the dead letters.</summary>
    internal static async Task<Results<Ok<RedeliveredView>, ProblemHttpResult>> Redeliver(string name, int? limit, DestinationCatalog destinations, IGrainFactory grains)
    {
        var size = limit ?? DefaultLetterLimit;
        if (size is < 1 or > MaxLetterLimit) return Problem.BadRequest($"limit is 1 to {MaxLetterLimit}.", "limit");
        if (await destinations.FindAsync(name) is null) return Unknown(name);
        return TypedResults.Ok(new RedeliveredView(name, await grains.GetGrain<IDeadLetterGrain>(name).Redeliver(size)));
    }

    /// <summary>
    /// The destination's queues now and since each was activated (counted in memory: a queue that moved to another silo
    /// counts afresh): deliveries waiting, taken, failed attempts, queues retrying their head, dead-lettered, the last
    /// error and latency percentiles (queued to the destination's 2xx).
    /// </summary>
    internal static async Task<Results<Ok<DestinationStatusView>, ProblemHttpResult>> Status(
        string name, DestinationCatalog destinations, IGrainFactory grains, IOptions<DeliveryOptions> options)
    {
        if (await destinations.FindAsync(name) is null) return Unknown(name);
        var queues = await Task.WhenAll(Enumerable.Range(0, options.Value.Partitions)
            .Select(partition => grains.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(name, partition)).Status()));
        return TypedResults.Ok(DestinationStatusView.From(name, queues));
    }

    public const int DefaultToldLimit = 50;

    /// <summary>
    /// <c>?limit={1..256}</c> (default 50): what the destinations were told about the customer, and what waits to be told,
    /// newest first (waiting first): each delivery's id, destination, CloudEvents type, times, status and attempts. Kept
    /// in memory by each queue, the last 256 it finished since it was activated.
    /// </summary>
    internal static async Task<Results<Ok<CustomerDeliveriesView>, ProblemHttpResult>> Told(
        string id, int? limit, DestinationCatalog destinations, IGrainFactory grains, IOptions<DeliveryOptions> options)
    {
        if (!CustomerKeys.IsValidKey(id)) return Problem.BadRequest($"The customer id must be {CustomerKeys.Rule}.", "id");
        var size = limit ?? DefaultToldLimit;
        if (size is < 1 or > DeliveryLog.Capacity) return Problem.BadRequest($"limit is 1 to {DeliveryLog.Capacity}.", "limit");
        var partition = options.Value.PartitionOf(id);
        var told = await Task.WhenAll((await destinations.CurrentAsync()).Select(async destination =>
            (await grains.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(destination.Name, partition)).Told(id, size))
                .Select(record => CustomerDeliveryView.From(destination.Name, record))));
        CustomerDeliveryView[] newest = [.. told.SelectMany(records => records)
            .OrderBy(delivery => delivery.FinishedAt is null ? 0 : 1)
            .ThenByDescending(delivery => delivery.FinishedAt ?? delivery.QueuedAt)
            .Take(size)];
        return TypedResults.Ok(new CustomerDeliveriesView(id, newest));
    }

    private static ProblemHttpResult Unknown(string name) => Problem.NotFound($"No destination '{name}' is defined.");

    private static ProblemHttpResult NotNames(string field) => Problem.BadRequest($"{field} must be an array of strings.", field);

    private static string? Unknown(JsonElement element, string[] known) =>
        element.EnumerateObject().Select(property => property.Name).FirstOrDefault(property => !known.Contains(property, StringComparer.Ordinal));

    /// <summary>The strings of an array member ([] when absent or null); null when it is not an array of strings.</summary>
    private static string[]? ReadNames(JsonElement parent, string member)
    {
        if (!parent.TryGetProperty(member, out var element) || element.ValueKind == JsonValueKind.Null) return [];
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() > DestinationRules.MaxNames * 2) return null;
        var names = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return null;
            var value = item.GetString()!;
            if (!names.Contains(value, StringComparer.Ordinal)) names.Add(value);
        }

        return [.. names];
    }

    /// <summary>A boolean member (false when absent or null); null when it is not a boolean.</summary>
    private static bool? ReadFlag(JsonElement parent, string member) =>
        !parent.TryGetProperty(member, out var element) || element.ValueKind == JsonValueKind.Null ? false
        : element.ValueKind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean()
        : null;
}

/// <summary>
/// A destination as the API shows it: the secret masked (in full only in the answer to the definition that generated
/// it), header values masked (they often carry credentials).
/// </summary>
public sealed record DestinationView(
    string Name, string Url, string Secret, Dictionary<string, string> Headers, DestinationFilterView Filter, string[] Purposes, bool PersonalData,
    DateTimeOffset DefinedAt, string DefinedBy)
{
    private const string MaskedValue = "•••";

    public static DestinationView From(DestinationDefinition definition, bool showSecret) => new(
        definition.Name, definition.Url, showSecret ? definition.Secret : WebhookSecret.Mask(definition.Secret),
        definition.Headers.ToDictionary(header => header.Key, _ => MaskedValue, StringComparer.OrdinalIgnoreCase),
        new DestinationFilterView(definition.Filter.Segments, definition.Filter.Events, definition.Filter.Traits, definition.Filter.Consent, definition.Filter.When),
        definition.Purposes, definition.PersonalData, definition.DefinedAt, definition.DefinedBy);
}

/// <summary>A destination's filter; <c>when</c> (null when none) is the rule its events are sent under.</summary>
public sealed record DestinationFilterView(string[] Segments, string[] Events, bool Traits, bool Consent, string? When = null);

public sealed record DestinationListView(DestinationView[] Destinations);

/// <summary>A dead letter: the CloudEvent as it was to be sent (<c>event</c>), when it was queued and given up on, after how many attempts, and why.</summary>
public sealed record DeadLetterView(string Id, string CustomerId, string Type, DateTimeOffset QueuedAt, DateTimeOffset DeadAt, int Attempts, string Error, RawJson Event)
{
    public static DeadLetterView From(DeadLetter letter) => new(
        letter.Delivery.Id, letter.Delivery.CustomerId, letter.Delivery.Type, letter.Delivery.QueuedAt, letter.DeadAt, letter.Attempts, letter.Error, new RawJson(letter.Delivery.Body));
}

public sealed record DeadLettersView(string Destination, int Total, long Dropped, DeadLetterView[] Letters);

public sealed record RedeliveredView(string Destination, int Redelivered);

/// <summary>
/// A destination's queues together: deliveries waiting (<c>depth</c>), and since each queue was activated, deliveries
/// taken, failed attempts, queues retrying their head now, deliveries dead-lettered, the last error and the latency
/// from queued to the destination's 2xx; per queue, its depth and since when it counts.
/// </summary>
public sealed record DestinationStatusView(
    string Destination, int Depth, long Delivered, long FailedAttempts, int Retrying, long DeadLettered, LastErrorView? LastError, LatencyView Latency,
    QueueStatusView[] Queues)
{
    public static DestinationStatusView From(string destination, QueueStatus[] queues)
    {
        var latencies = queues.Aggregate(DeliveryLatencies.None, (sum, queue) => sum.Plus(queue.Latencies));
        var lastError = queues.Select(queue => queue.LastError).OfType<DeliveryError>().MaxBy(error => error.At);
        return new DestinationStatusView(
            destination, queues.Sum(queue => queue.Depth), queues.Sum(queue => queue.Delivered), queues.Sum(queue => queue.FailedAttempts),
            queues.Count(queue => queue.Retrying), queues.Sum(queue => queue.DeadLettered),
            lastError is null ? null : new LastErrorView(lastError.Error, lastError.At),
            LatencyView.From(latencies),
            [.. queues.Select((queue, partition) => new QueueStatusView(partition, queue.Depth, queue.Since))]);
    }
}

public sealed record LastErrorView(string Error, DateTimeOffset At);

/// <summary>
/// Delivery latencies in milliseconds over <c>count</c> deliveries (null without any): each percentile is the upper
/// bound of the bucket that holds it (1-2-5 steps from 1 ms to an hour), never above <c>slowestMs</c>, the slowest seen.
/// </summary>
public sealed record LatencyView(long Count, double? P50Ms, double? P95Ms, double? P99Ms, double? SlowestMs)
{
    public static LatencyView From(DeliveryLatencies latencies)
    {
        var count = latencies.Total;
        static double? Ms(TimeSpan? latency) => latency?.TotalMilliseconds;
        return new LatencyView(count, Ms(latencies.Percentile(0.5)), Ms(latencies.Percentile(0.95)), Ms(latencies.Percentile(0.99)),
            count == 0 ? null : latencies.Slowest.TotalMilliseconds);
    }
}

public sealed record QueueStatusView(int Partition, int Depth, DateTimeOffset Since);

public sealed record CustomerDeliveriesView(string CustomerId, CustomerDeliveryView[] Deliveries);

/// <summary>
/// A delivery about the customer: its id (the CloudEvent's), the destination, the CloudEvents type, when it was queued
/// and finished, its status (<c>pending</c>, <c>retrying</c>, <c>delivered</c>, <c>dead-lettered</c>) and attempts.
/// Never its body.
/// </summary>
public sealed record CustomerDeliveryView(
    string Id, string Destination, string Type, string Status, DateTimeOffset QueuedAt, DateTimeOffset? FinishedAt, int Attempts)
{
    public static CustomerDeliveryView From(string destination, DeliveryRecord record) => new(
        record.Id, destination, record.Type, StatusOf(record.State), record.QueuedAt, record.FinishedAt, record.Attempts);

    public static string StatusOf(DeliveryState state) => state switch
    {
        DeliveryState.Pending => "pending",
        DeliveryState.Retrying => "retrying",
        DeliveryState.Delivered => "delivered",
        _ => "dead-lettered",
    };
}

/// <summary>The body of <c>PUT /v1/destinations/{name}</c>, for the API document only (read by hand, as every body is; see <see cref="JsonBody"/>).</summary>
public sealed record DestinationRequest(
    string Url, DestinationFilterView Filter, string? Secret = null, Dictionary<string, string>? Headers = null, string[]? Purposes = null, bool PersonalData = false);
