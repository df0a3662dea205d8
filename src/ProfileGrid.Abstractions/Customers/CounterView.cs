namespace ProfileGrid.Customers;

/// <summary>The rolling windows of one event type, as of <see cref="CustomerProfile.AsOf"/>.</summary>
/// <param name="LastHourByMinute">Counts of the 60 minutes of <see cref="LastHour"/>, oldest first.</param>
/// <param name="LastAt">The latest event of the type, however old; null in views stored before it was kept.</param>
[GenerateSerializer, Immutable, Alias("pg.CounterView")]
public sealed record CounterView(
    [property: Id(0)] string Type,
    [property: Id(1)] WindowTotal LastHour,
    [property: Id(2)] WindowTotal LastDay,
    [property: Id(3)] WindowTotal LastWeek,
    [property: Id(4)] WindowTotal LastMonth,
    [property: Id(5)] WindowTotal Total,
    [property: Id(6)] int[] LastHourByMinute,
    [property: Id(7)] DateTimeOffset? LastAt = null);
