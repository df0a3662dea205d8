namespace ProfileGrid.Customers;

/// <summary>
/// Everything stored about a customer, for a data subject's access request: the whole profile (traits, consent,
/// counters, the activity ring with its property summaries) and what else the store keeps of it, which is the
/// digests of recent event ids (not the ids themselves) for idempotency.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.CustomerExport")]
public sealed record CustomerExport(
    [property: Id(0)] CustomerProfile Profile,
    [property: Id(1)] int RememberedEventIds,
    [property: Id(2)] int StoredBytes);
