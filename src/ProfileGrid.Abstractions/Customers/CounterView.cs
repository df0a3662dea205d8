namespace ProfileGrid.Customers;

/// <summary>The rolling windows of one event type, as of <see cref="CustomerProfile.AsOf"/>.</summary>
/// <param name="LastHourByMinute">Counts of the 60 minutes of <see cref="LastHour"/>, oldest first.</param>
/// <param name="LastAt">The latest event of the type, however old; null in views stored before it was kept.</param>
/// <param name="LastYear">The 365-day window (the current UTC day and the 364 before it); null unless the type is a history type, whose days are kept a year.</param>
/// <param name="FirstAt">The first event of the type, however old; null when <paramref name="FirstKnown"/> is false (events recorded before it was kept).</param>
/// <param name="FirstKnown">Whether <paramref name="FirstAt"/> is known.</param>
[GenerateSerializer, Immutable, Alias("pg.CounterView")]
public sealed record CounterView(
    [property: Id(0)] string Type,
    [property: Id(1)] WindowTotal LastHour,
    [property: Id(2)] WindowTotal LastDay,
    [property: Id(3)] WindowTotal LastWeek,
    [property: Id(4)] WindowTotal LastMonth,
    [property: Id(5)] WindowTotal Total,
    [property: Id(6)] int[] LastHourByMinute,
    [property: Id(7)] DateTimeOffset? LastAt = null,
    [property: Id(8)] WindowTotal? LastYear = null,
    [property: Id(9)] DateTimeOffset? FirstAt = null,
    [property: Id(10)] bool FirstKnown = true);
