using ProfileGrid.Customers;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Views;

/// <summary>
/// <c>GET /v1/customers/{id}/export</c>: everything stored about a customer, for a data subject's access request.
/// <see cref="Stored"/> says what the store keeps besides the profile.
/// </summary>
public sealed record CustomerExportView(DateTimeOffset ExportedAt, ProfileView Profile, StoredFacts Stored)
{
    public static CustomerExportView From(CustomerExport export, IReadOnlyList<Segment> segments, DateTimeOffset now) =>
        new(now, ProfileView.From(export.Profile, segments), new StoredFacts(export.RememberedEventIds, export.StoredBytes, StoredFacts.WhatIsKept));
}

/// <summary>What else is stored: event ids as 64-bit digests (for idempotency, never the ids), and the bytes of the row.</summary>
public sealed record StoredFacts(int RememberedEventIdDigests, int StoredBytes, string Note)
{
    public const string WhatIsKept = "Besides the profile, ProfileGrid keeps 64-bit digests of the ids of recent events (to apply each event once), "
        + "not the ids, and no other copy: activity properties are kept only as the summaries shown in recentActivity.";
}
