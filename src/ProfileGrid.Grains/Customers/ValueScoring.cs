namespace ProfileGrid.Customers;

/// <summary>
/// Computes <see cref="ValueScores"/> from a customer's counters, as of a moment, with <see cref="ValueOptions"/>:
/// <list type="bullet">
/// <item>revenue: the lifetime sum of the purchase types' values, net of refunds (a purchase with a negative value);</item>
/// <item>historic CLV: the revenue, never below zero (a customer refunded more than they bought is worth nothing, not less);</item>
/// <item>predicted CLV: historic + average order value (historic / purchases) × purchases per year × <see cref="ValueOptions.ForecastYears"/>,
/// where purchases per year is the customer's own pace since first seen (over at least
/// <see cref="ValueOptions.MinPaceDays"/>), rounded to cents;</item>
/// <item>RFM: each 1–5, one more for every threshold met (recency by days since the last purchase, at or under;
/// frequency by purchase events, refunds included, and monetary by net revenue, at or over); a customer who never
/// purchased scores 1, 1, 1;</item>
/// <item>tier: the last configured tier whose minimum revenue the historic CLV reaches, else the first (lowest) tier.</item>
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

        var historic = Math.Max(0m, revenue);
        var predicted = historic;
        if (orders > 0)
        {
            var paceDays = Math.Max(options.MinPaceDays, firstSeen is { } first ? (now - first).TotalDays : 0);
            var perYear = orders / (decimal)paceDays * 365m;
            predicted = Math.Round(historic + historic / orders * perYear * options.ForecastYears, 2, MidpointRounding.AwayFromZero);
        }

        var recency = 1;
        if (last is { } lastPurchase)
        {
            var days = (now - lastPurchase).TotalDays;
            recency = 1 + options.RecencyDays.Count(threshold => days <= threshold);
        }

        return new ValueScores(
            historic,
            predicted,
            orders,
            last,
            recency,
            1 + options.FrequencyCounts.Count(threshold => orders >= threshold),
            1 + options.MonetaryAmounts.Count(threshold => revenue >= threshold),
            Tier(options.Tiers, historic));
    }

    /// <summary>The last tier whose minimum <paramref name="revenue"/> reaches; the first tier when it reaches none.</summary>
    private static string Tier(ValueTier[] tiers, decimal revenue)
    {
        for (var i = tiers.Length - 1; i > 0; i--)
        {
            if (revenue >= tiers[i].MinRevenue) return tiers[i].Name;
        }

        return tiers[0].Name;
    }
}
