using System.Text.Json.Serialization;
using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// The answer to a trait write (<c>PATCH /v1/customers/{id}/traits</c>, <c>POST /v1/identify</c>): what changed and what
/// was refused, never the profile itself (producer keys write; they do not read).
/// </summary>
/// <param name="Linked">For identify: the identifiers that resolve to the customer now (null when none were named).</param>
/// <param name="Merged">For identify: the profiles merged into the customer by this call or before it (the anonymous one).</param>
public sealed record TraitsResponse(
    string CustomerId,
    long Seq,
    TraitChanges Changed,
    TraitRejection[] Rejected,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? Linked = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? Merged = null)
{
    public static TraitsResponse From(string customerId, TraitsResult result) =>
        new(customerId, result.Seq, new TraitChanges(result.Traits, result.Consent), result.Rejected);
}

/// <summary>The names of the traits set or removed and of the consent purposes set.</summary>
public sealed record TraitChanges(string[] Traits, string[] Consent);
