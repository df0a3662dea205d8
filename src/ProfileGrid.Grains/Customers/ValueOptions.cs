using ProfileGrid.Settings;

namespace ProfileGrid.Customers;

/// <summary>
/// The section <c>ProfileGrid:Value</c>: which events are revenue, the forecast's parameters, and the thresholds of
/// the RFM scores and value tiers (<see cref="ValueScoring"/>). Arrays, so configuration replaces them whole.
/// </summary>
public sealed class ValueOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Value";

    public static string SectionPath => Section;

    /// <summary>Event types whose <c>value</c> is revenue.</summary>
    public string[] PurchaseTypes { get; set; } = ["purchase"];

    /// <summary>The forecast's horizon: the years ahead a customer keeps buying at their own pace.</summary>
    public decimal ForecastYears { get; set; } = 2m;

    /// <summary>
    /// The shortest history a pace is taken over: a customer seen for a day is not assumed to buy every day. Their
    /// pace is purchases per year over max(time since first seen, this).
    /// </summary>
    public int MinPaceDays { get; set; } = 90;

    /// <summary>Days since the last purchase at or under which recency scores 5, 4, 3, 2 (else 1; never purchased: 1).</summary>
    public int[] RecencyDays { get; set; } = [7, 30, 90, 365];

    /// <summary>Purchase counts at or over which frequency scores 2, 3, 4, 5 (else 1).</summary>
    public long[] FrequencyCounts { get; set; } = [2, 4, 8, 16];

    /// <summary>Revenue at or over which monetary scores 2, 3, 4, 5 (else 1).</summary>
    public decimal[] MonetaryAmounts { get; set; } = [100m, 500m, 1000m, 5000m];

    /// <summary>Tiers by revenue to date, ascending; a customer is in the last one whose minimum they reach.</summary>
    public ValueTier[] Tiers { get; set; } =
        [new("prospect", 0m), new("bronze", 0.01m), new("silver", 250m), new("gold", 1000m), new("platinum", 5000m)];

    /// <summary>What is wrong with the options, or nothing.</summary>
    public IEnumerable<string> Problems()
    {
        if (PurchaseTypes.Length == 0 || PurchaseTypes.Any(string.IsNullOrWhiteSpace)) yield return "PurchaseTypes must name at least one event type, and no empty one.";
        if (ForecastYears is < 0 or > 100) yield return $"ForecastYears must be 0 to 100, not {ForecastYears.ToString(System.Globalization.CultureInfo.InvariantCulture)}.";
        if (CheckedOptions.Within(nameof(MinPaceDays), MinPaceDays, 1, 36_600) is { } pace) yield return pace;
        if (!Ascending4(RecencyDays.Select(d => (decimal)d))) yield return $"RecencyDays must be 4 ascending numbers of days from 0, not [{string.Join(", ", RecencyDays)}].";
        if (!Ascending4(FrequencyCounts.Select(c => (decimal)c))) yield return $"FrequencyCounts must be 4 ascending counts from 0, not [{string.Join(", ", FrequencyCounts)}].";
        if (!Ascending4(MonetaryAmounts)) yield return $"MonetaryAmounts must be 4 ascending amounts from 0, not [{string.Join(", ", MonetaryAmounts.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture)))}].";
        if (Tiers.Length == 0 || Tiers[0].MinRevenue != 0 || Tiers.Zip(Tiers.Skip(1)).Any(p => p.First.MinRevenue >= p.Second.MinRevenue)
            || Tiers.Any(t => string.IsNullOrWhiteSpace(t.Name)))
            yield return "Tiers must be named, ascending by MinRevenue, the first at 0.";
    }

    private static bool Ascending4(IEnumerable<decimal> values)
    {
        var list = values.ToList();
        return list.Count == 4 && list[0] >= 0 && list.Zip(list.Skip(1)).All(p => p.First < p.Second);
    }
}

/// <summary>A value tier: its name, and the revenue to date a customer needs to reach it.</summary>
public sealed record ValueTier(string Name, decimal MinRevenue)
{
    public ValueTier() : this("", 0m)
    {
    }
}
