using System.Text.Json.Serialization;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Segments;

namespace ProfileGrid.Gateway.Views;

/// <summary>The live profile as <c>GET /v1/customers/{id}</c> shows it (and the dashboard receives it).</summary>
/// <param name="Segments">The segments the customer is in now, each with why.</param>
/// <param name="SegmentsNotEvaluable">Segments whose rule failed on this profile, so that whether the customer is in them
/// is not known (docs/segments.md, "Not evaluable"); absent when none.</param>
public sealed record ProfileView(
    string CustomerId,
    long Seq,
    DateTimeOffset AsOf,
    TraitGroups Traits,
    Dictionary<string, bool> Consent,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    string[] Channels,
    Dictionary<string, CounterWindows> Counters,
    ActivityView[] RecentActivity,
    ValueView? Value,
    SegmentMembership[] Segments,
    Dictionary<string, ConsentView> ConsentDetails,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MergeRecord[]? Merges = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? SegmentsNotEvaluable = null)
{
    /// <summary>The view of a profile, with the segments (of <paramref name="segments"/>) it is in now and why.</summary>
    public static ProfileView From(CustomerProfile profile, IReadOnlyList<Segment>? segments)
    {
        var counters = new Dictionary<string, CounterWindows>(profile.Counters.Length, StringComparer.Ordinal);
        foreach (var counter in profile.Counters)
        {
            counters[counter.Type] = new CounterWindows(
                counter.LastHour, counter.LastDay, counter.LastWeek, counter.LastMonth, counter.Total, counter.LastHourByMinute, counter.LastAt,
                counter.LastYear, counter.FirstKnown ? counter.FirstAt : null);
        }

        var activity = new ActivityView[profile.RecentActivity.Length];
        for (var i = 0; i < activity.Length; i++) activity[i] = ActivityView.From(profile.RecentActivity[i]);

        var segmentsNow = SegmentCatalog.Evaluate(segments, profile);
        return new ProfileView(profile.CustomerId, profile.Seq, profile.AsOf, TraitCatalog.Group(profile.Traits), profile.Consent,
            profile.FirstSeen, profile.LastSeen, profile.Channels, counters, activity, ValueView.From(profile.Value),
            segmentsNow.Segments, ConsentView.Of(profile), profile.Merges, segmentsNow.NotEvaluable);
    }
}

public sealed record TraitGroups(
    Dictionary<string, RawJson> Identity,
    Dictionary<string, RawJson> Descriptive,
    Dictionary<string, RawJson> Qualitative);

/// <summary>
/// One event type's windows, named as the API contract names them; <c>365d</c> only for a history type (its days are
/// kept a year), <c>firstAt</c> only where the first event's time is known.
/// </summary>
public sealed record CounterWindows(
    [property: JsonPropertyName("1h")] WindowTotal LastHour,
    [property: JsonPropertyName("24h")] WindowTotal LastDay,
    [property: JsonPropertyName("7d")] WindowTotal LastWeek,
    [property: JsonPropertyName("30d")] WindowTotal LastMonth,
    [property: JsonPropertyName("total")] WindowTotal Total,
    int[] LastHourByMinute,
    DateTimeOffset? LastAt,
    [property: JsonPropertyName("365d"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WindowTotal? LastYear = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FirstAt = null);

/// <summary>
/// The value scores: <c>{clv: {historic, predicted}, orders, lastPurchaseAt, rfm: {recency, frequency, monetary}, tier}</c>.
/// </summary>
public sealed record ValueView(ClvView Clv, long Orders, DateTimeOffset? LastPurchaseAt, RfmView Rfm, string Tier)
{
    public static ValueView? From(ValueScores? value) => value is null
        ? null
        : new(new ClvView(value.HistoricClv, value.PredictedClv), value.Orders, value.LastPurchaseAt,
            new RfmView(value.Recency, value.Frequency, value.Monetary), value.Tier);
}

/// <summary>A consent flag with when it last changed, by which producer and from where (unknown for flags set before these were kept).</summary>
public sealed record ConsentView(bool Granted, DateTimeOffset? At, string? By, string? Source)
{
    public static Dictionary<string, ConsentView> Of(CustomerProfile profile)
    {
        var details = new Dictionary<string, ConsentView>(profile.Consent.Count, StringComparer.Ordinal);
        foreach (var (purpose, granted) in profile.Consent)
        {
            details[purpose] = profile.ConsentRecords?.GetValueOrDefault(purpose) is { } record
                ? new ConsentView(record.Granted, record.At, record.By, record.Source)
                : new ConsentView(granted, null, null, null);
        }

        return details;
    }
}

public sealed record ClvView(decimal Historic, decimal Predicted);

public sealed record RfmView(int Recency, int Frequency, int Monetary);

public sealed record ActivityView(string Id, string Type, DateTimeOffset Timestamp, decimal? Value, string? Channel, RawJson? Properties)
{
    public static ActivityView From(CustomerEvent e) =>
        new(e.Id, e.Type, e.Timestamp, e.Value, e.Channel, e.Properties is null ? null : new RawJson(e.Properties));
}
