using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Identity;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Views;

/// <summary>
/// <c>GET /v1/customers/{id}/export</c>: everything stored about a customer, for a data subject's access request.
/// <see cref="Stored"/> says what the store keeps besides the profile.
/// </summary>
/// <param name="Identifiers">Every identifier that finds the customer now: its email and phone, the anonymous profiles
/// merged into it and the identifiers identify calls linked (the merge history is in the profile's <c>merges</c>).</param>
/// <param name="FormerIdentifiers">Identifiers the customer held before (a replaced email or phone), with since and until when; they no longer find it.</param>
/// <param name="MergedProfiles">Every profile merged into the customer (anonymous profiles, aliased user ids), however many.</param>
public sealed record CustomerExportView(
    DateTimeOffset ExportedAt, ProfileView Profile, string[] Identifiers, FormerIdentifierView[] FormerIdentifiers, string[] MergedProfiles, StoredFacts Stored)
{
    public static CustomerExportView From(CustomerExport export, IReadOnlyList<Segment>? segments, DateTimeOffset now)
    {
        var history = export.Identifiers ?? [];
        return new(now, ProfileView.From(export.Profile, segments), IdentifiersOf(export.Profile, history),
            [.. history.Where(entry => entry.Until is not null).Select(entry => new FormerIdentifierView(entry.Key, entry.Since, entry.Until!.Value))],
            [.. history.Where(entry => entry.MergedProfile).Select(entry => entry.Key)],
            new StoredFacts(export.RememberedEventIds, export.StoredBytes, StoredFacts.WhatIsKept));
    }

    /// <summary>The identifiers of the ledger that are the customer's now; for a customer stored before the ledger was kept, those its traits and merge history name.</summary>
    private static string[] IdentifiersOf(CustomerProfile profile, IdentifierHistory[] history)
    {
        var identifiers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in history)
        {
            if (entry.Until is null && CustomerIdentities.IsIdentifier(entry.Key)) identifiers.Add(entry.Key);
        }

        if (history.Length > 0) return [.. identifiers];
        foreach (var (trait, json) in profile.Traits)
        {
            if (Identifier.FromTrait(trait, json) is { } identifier) identifiers.Add(identifier.Key);
        }

        foreach (var merge in profile.Merges ?? [])
        {
            if (CustomerIdentities.IsIdentifier(merge.From)) identifiers.Add(merge.From);
            identifiers.UnionWith(merge.Identifiers);
        }

        return [.. identifiers];
    }
}

/// <summary>An identifier the customer held from <paramref name="Since"/> until <paramref name="Until"/>.</summary>
public sealed record FormerIdentifierView(string Key, DateTimeOffset Since, DateTimeOffset Until);

/// <summary>What else is stored: event ids as 64-bit digests (for idempotency, never the ids), and the bytes of the row.</summary>
public sealed record StoredFacts(int RememberedEventIdDigests, int StoredBytes, string Note)
{
    public const string WhatIsKept = "Besides the profile, ProfileGrid keeps 64-bit digests of the ids of recent events (to apply each event once), "
        + "not the ids, and no other copy: activity properties are kept only as the summaries shown in recentActivity.";
}
