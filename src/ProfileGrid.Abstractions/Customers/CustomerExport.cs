namespace ProfileGrid.Customers;

/// <summary>
/// Everything stored about a customer, for a data subject's access request: the whole profile (traits, consent,
/// counters, the activity ring with its property summaries) and what else the store keeps of it, which is the
/// digests of recent event ids (not the ids themselves) for idempotency.
/// </summary>
/// <param name="Identifiers">Every identifier the customer holds or held (current and former emails and phones,
/// <c>anon:</c>, <c>device:</c>, <c>account:</c>) and every profile merged into it, with since when and until when.</param>
[GenerateSerializer, Immutable, Alias("pg.CustomerExport")]
public sealed record CustomerExport(
    [property: Id(0)] CustomerProfile Profile,
    [property: Id(1)] int RememberedEventIds,
    [property: Id(2)] int StoredBytes,
    [property: Id(3)] IdentifierHistory[]? Identifiers = null);

/// <summary>
/// One identifier or merged profile in a customer's history: its key (<c>email:ann@example.com</c>, <c>anon:7f3c</c>, or
/// the id of a profile merged in), whether it is an identifier in the index and whether a profile of that key was
/// merged in, since when, and until when (null while it is the customer's).
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.IdentifierHistory")]
public sealed record IdentifierHistory(
    [property: Id(0)] string Key,
    [property: Id(1)] bool Identifier,
    [property: Id(2)] bool MergedProfile,
    [property: Id(3)] DateTimeOffset Since,
    [property: Id(4)] DateTimeOffset? Until);
