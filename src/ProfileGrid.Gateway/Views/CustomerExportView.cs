using ProfileGrid.Customers;
using ProfileGrid.Identity;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Views;

/// <summary>
/// <c>GET /v1/customers/{id}/export</c>: everything stored about a customer, for a data subject's access request.
/// <see cref="Stored"/> says what the store keeps besides the profile.
/// </summary>
/// <param name="Identifiers">Every identifier that finds the customer: its email and phone traits, the anonymous
/// profiles merged into it and the identifiers identify calls linked (the merge history is in the profile's <c>merges</c>).</param>
public sealed record CustomerExportView(DateTimeOffset ExportedAt, ProfileView Profile, string[] Identifiers, StoredFacts Stored)
{
    public static CustomerExportView From(CustomerExport export, IReadOnlyList<Segment>? segments, DateTimeOffset now) =>
        new(now, ProfileView.From(export.Profile, segments), IdentifiersOf(export.Profile),
            new StoredFacts(export.RememberedEventIds, export.StoredBytes, StoredFacts.WhatIsKept));

    private static string[] IdentifiersOf(CustomerProfile profile)
    {
        var identifiers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (trait, type) in Identifier.Traits)
        {
            if (profile.Traits.TryGetValue(trait, out var json) && System.Text.Json.JsonDocument.Parse(json) is { } document)
            {
                using (document)
                {
                    if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.String
                        && Identifier.TryCreate(type, document.RootElement.GetString()!, out var identifier, out _)) identifiers.Add(identifier.Key);
                }
            }
        }

        foreach (var merge in profile.Merges ?? [])
        {
            identifiers.Add(merge.From);
            identifiers.UnionWith(merge.Identifiers);
        }

        return [.. identifiers];
    }
}

/// <summary>What else is stored: event ids as 64-bit digests (for idempotency, never the ids), and the bytes of the row.</summary>
public sealed record StoredFacts(int RememberedEventIdDigests, int StoredBytes, string Note)
{
    public const string WhatIsKept = "Besides the profile, ProfileGrid keeps 64-bit digests of the ids of recent events (to apply each event once), "
        + "not the ids, and no other copy: activity properties are kept only as the summaries shown in recentActivity.";
}
