using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using ProfileGrid.Gateway.OpenApi;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Problems;
using ProfileGrid.Gateway.Security;

namespace ProfileGrid.Gateway.Endpoints;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        // The services are singletons: resolved once here, not from each request's scope.
        var services = routes.ServiceProvider;
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var metrics = services.GetRequiredService<IngestionMetrics>();
        var clock = services.GetRequiredKeyedService<TimeProvider>(DomainClock.Key);
        var answers = EventsAnswer.TypeInfo(services);
        routes.MapPolicyGroup("/v1", Policies.WriteEvents, "Events")
            .MapPost("/events", (HttpRequest request, ClaimsPrincipal user) => PostEvents(request, user, dispatcher, metrics, clock, answers))
            .AcceptsJsonBody<EventInput, EventBatchInput>()
            .Produces<EventsResponse>(StatusCodes.Status202Accepted);
        return routes;
    }

    /// <summary>One event object, or <c>{"events":[...]}</c>; answers once the accepted events are stored.</summary>
    internal static async Task<Results<EventsAnswer, ProblemHttpResult>> PostEvents(
        HttpRequest request, ClaimsPrincipal user, EventDispatcher dispatcher, IngestionMetrics metrics, TimeProvider clock, JsonTypeInfo<EventsResponse> answers)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, EventLimits.MaxBodyBytes);
        if (body is null) return problem!;
        using (body)
        {
            var receivedAt = clock.GetUtcNow();
            var root = body.Root;
            var pending = new List<PendingEvent>();
            var rejected = new List<EventRejection>();

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var events))
            {
                if (events.ValueKind != JsonValueKind.Array)
                    return Problem.BadRequest("events must be an array of event objects.", "events");
                var count = events.GetArrayLength();
                if (count == 0) return Problem.BadRequest("events must hold at least one event.", "events");
                if (count > EventLimits.MaxBatchEvents)
                    return Problem.TooLarge($"events holds {count} events; at most {EventLimits.MaxBatchEvents} are accepted per request.");

                metrics.Received(count);
                pending.Capacity = count;
                var index = 0;
                foreach (var element in events.EnumerateArray())
                {
                    if (EventReader.TryRead(element, index, receivedAt, out var valid, out var error)) pending.Add(valid);
                    else rejected.Add(new EventRejection(index, IdOf(element), error));
                    index++;
                }
            }
            else if (EventReader.TryRead(root, 0, receivedAt, out var single, out var error))
            {
                metrics.Received(1);
                pending.Add(single);
            }
            else
            {
                metrics.Received(1);
                metrics.Answered(0, 0, 1);
                return Problem.BadRequest($"The event is not valid: {error}.");
            }

            var response = pending.Count == 0
                ? new EventsResponse(0, 0, rejected)
                : await dispatcher.DispatchAsync(ApiKeyAuthenticationHandler.ProducerOf(user), pending, rejected);
            metrics.Answered(response.Accepted, response.Duplicates, response.Rejected.Count);
            return new EventsAnswer(response, answers);
        }
    }

    private static string? IdOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
}

/// <summary>
/// An event as <c>POST /v1/events</c> takes it, for the API document only: the route reads events by hand
/// (<see cref="EventReader"/>), so that a batch parses once and each invalid event gets its own rejection while the
/// others apply. README's "Events" says the rules of each field.
/// </summary>
public sealed record EventInput(
    string Id, string Type, string? CustomerId = null, string? AnonymousId = null, DateTimeOffset? Timestamp = null, decimal? Value = null,
    string? Channel = null, Dictionary<string, JsonElement>? Properties = null);

/// <summary>A batch of events, <c>{"events": [...]}</c> (up to 1,000 in 1 MiB), for the API document only.</summary>
public sealed record EventBatchInput(EventInput[] Events);
