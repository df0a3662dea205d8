namespace ProfileGrid.Client;

/// <summary>
/// One customer action as <c>POST /v1/events</c> takes it. The id is made once, when the event is created, so that
/// every retry sends the same id and the gateway applies the event once. Name either the customer or, before the
/// customer is known, an anonymous id.
/// </summary>
/// <param name="Id">Unique within this producer: 1 to 128 characters.</param>
/// <param name="Type">What happened: <c>[a-z0-9_.-]{1,64}</c>, e.g. <c>purchase</c>.</param>
/// <param name="CustomerId">The customer's canonical id; or null, with <paramref name="AnonymousId"/>.</param>
/// <param name="AnonymousId">The visitor before they are known (their profile merges into the customer on identify).</param>
/// <param name="Timestamp">When it happened (the gateway's clock when null).</param>
/// <param name="Value">An amount to sum, e.g. a purchase's revenue.</param>
/// <param name="Channel">Where it happened: web, email, pos, call-centre…</param>
/// <param name="Properties">Anything else, as a JSON object (at most 16 KiB).</param>
public sealed record ProfileEvent(
    string Id,
    string Type,
    string? CustomerId = null,
    string? AnonymousId = null,
    DateTimeOffset? Timestamp = null,
    decimal? Value = null,
    string? Channel = null,
    IReadOnlyDictionary<string, object?>? Properties = null)
{
    /// <summary>An event of <paramref name="type"/> for <paramref name="customerId"/>, with a new id (a version 7 GUID) and the time now.</summary>
    public static ProfileEvent For(string customerId, string type, decimal? value = null, string? channel = null, IReadOnlyDictionary<string, object?>? properties = null) =>
        new(Guid.CreateVersion7().ToString(), type, customerId, null, DateTimeOffset.UtcNow, value, channel, properties);

    /// <summary>An event for the anonymous visitor <paramref name="anonymousId"/>, with a new id and the time now.</summary>
    public static ProfileEvent ForAnonymous(string anonymousId, string type, decimal? value = null, string? channel = null, IReadOnlyDictionary<string, object?>? properties = null) =>
        new(Guid.CreateVersion7().ToString(), type, null, anonymousId, DateTimeOffset.UtcNow, value, channel, properties);
}
