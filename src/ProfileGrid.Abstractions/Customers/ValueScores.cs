namespace ProfileGrid.Customers;

/// <summary>
/// What a customer is worth, recomputed with every read and push: revenue so far, a simple forecast, RFM scores
/// and a value tier (see <c>ValueScoring</c> in the grains for how, and its options for the thresholds).
/// </summary>
/// <param name="HistoricClv">Revenue to date: the lifetime sum of the purchase types' values.</param>
/// <param name="PredictedClv">Revenue to date plus what the customer would spend over the configured horizon at their own pace.</param>
/// <param name="Recency">1–5: how recently they last purchased (5 = most recently).</param>
/// <param name="Frequency">1–5: how many purchases they made.</param>
/// <param name="Monetary">1–5: how much they spent.</param>
/// <param name="Tier">The configured tier their revenue to date reaches.</param>
[GenerateSerializer, Immutable, Alias("pg.ValueScores")]
public sealed record ValueScores(
    [property: Id(0)] decimal HistoricClv,
    [property: Id(1)] decimal PredictedClv,
    [property: Id(2)] long Orders,
    [property: Id(3)] DateTimeOffset? LastPurchaseAt,
    [property: Id(4)] int Recency,
    [property: Id(5)] int Frequency,
    [property: Id(6)] int Monetary,
    [property: Id(7)] string Tier);
