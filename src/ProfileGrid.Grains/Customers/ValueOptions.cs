namespace ProfileGrid.Customers;

/// <summary>
/// The section <c>ProfileGrid:Value</c>: which events are revenue, the forecast's parameters, and the thresholds of
/// the RFM scores and value tiers (<see cref="ValueScoring"/>). Arrays, so configuration replaces them whole.
/// </summary>
public sealed class ValueOptions
{
    public const string Section = "ProfileGrid:Value";

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
        if (PurchaseTypes.Length == 0) yield return "PurchaseTypes must name at least one event type";
        if (ForecastYears < 0) yield return "ForecastYears must not be negative";
        if (MinPaceDays < 1) yield return "MinPaceDays must be at least 1";
        if (!Ascending4(RecencyDays.Select(d => (decimal)d))) yield return "RecencyDays must be 4 ascending numbers of days";
        if (!Ascending4(FrequencyCounts.Select(c => (decimal)c))) yield return "FrequencyCounts must be 4 ascending counts";
        if (!Ascending4(MonetaryAmounts)) yield return "MonetaryAmounts must be 4 ascending amounts";
        if (Tiers.Length == 0 || Tiers[0].MinRevenue != 0 || Tiers.Zip(Tiers.Skip(1)).Any(p => p.First.MinRevenue >= p.Second.MinRevenue)
            || Tiers.Any(t => string.IsNullOrWhiteSpace(t.Name)))
            yield return "Tiers must be named, ascending by MinRevenue, the first at 0";
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

/// <summary>Refuses to start with value options that do not make sense, saying each problem.</summary>
public sealed class ValueOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ValueOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ValueOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems.Select(problem => $"{ValueOptions.Section}: {problem}"));
    }
}
