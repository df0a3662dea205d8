namespace ProfileGrid.Customers;

/// <summary>
/// Computes <see cref="ValueScores"/> from a customer's counters, as of a moment, with <see cref="ValueOptions"/>:
/// <list type="bullet">
/// <item>historic CLV: the lifetime sum of the purchase types' values;</item>
/// <item>predicted CLV: historic + average order value × purchases per year × <see cref="ValueOptions.ForecastYears"/>,
/// where purchases per year is the customer's own pace since first seen (over at least
/// <see cref="ValueOptions.MinPaceDays"/>), rounded to cents;</item>
/// <item>RFM: each 1–5, one more for every threshold met (recency by days since the last purchase, at or under;
/// frequency by purchases and monetary by revenue, at or over); a customer who never purchased scores 1, 1, 1;</item>
/// <item>tier: the last configured tier whose minimum revenue the historic CLV reaches.</item>
/// </list>
/// Pure and deterministic, so that rules (segments) can be evaluated on it anywhere.
/// </summary>
public static class ValueScoring
{
    public static ValueScores Score(ValueOptions options, IReadOnlyList<CounterView> counters, DateTimeOffset? firstSeen, DateTimeOffset now)
    {
        long orders = 0;
        decimal revenue = 0m;
        DateTimeOffset? last = null;
        foreach (var counter in counters)
        {
            if (Array.IndexOf(options.PurchaseTypes, counter.Type) < 0) continue;
            orders += counter.Total.Count;
            revenue += counter.Total.Sum;
            if (counter.LastAt is { } at && (last is null || at > last)) last = at;
        }

        var predicted = revenue;
        if (orders > 0)
        {
            var paceDays = Math.Max(options.MinPaceDays, firstSeen is { } first ? (now - first).TotalDays : 0);
            var perYear = orders / (decimal)paceDays * 365m;
            predicted = Math.Round(revenue + revenue / orders * perYear * options.ForecastYears, 2, MidpointRounding.AwayFromZero);
        }

        var recency = 1;
        if (last is { } lastPurchase)
        {
            var days = (now - lastPurchase).TotalDays;
            recency = 1 + options.RecencyDays.Count(threshold => days <= threshold);
        }

        return new ValueScores(
            revenue,
            predicted,
            orders,
            last,
            recency,
            1 + options.FrequencyCounts.Count(threshold => orders >= threshold),
            1 + options.MonetaryAmounts.Count(threshold => revenue >= threshold),
            options.Tiers.Last(tier => revenue >= tier.MinRevenue).Name);
    }
}
