using System.Diagnostics.Metrics;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// What this gateway's import runs do, on the meter <see cref="MeterName"/> (exported with the other ProfileGrid
/// meters): the ops workbook charts the lines settled per minute by outcome, and the runs going on. An import's own
/// counters (<c>GET /v1/imports/{id}</c>) stay the record of one import; these are for watching all of them.
/// </summary>
internal static class ImportMetrics
{
    public const string MeterName = "ProfileGrid.Imports";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> LineCounter = Meter.CreateCounter<long>(
        "profilegrid.import.lines", "{line}", "Import lines settled: applied, duplicate (applied before: a resumed window, or the same event again) or rejected.");

    private static readonly UpDownCounter<int> RunCounter = Meter.CreateUpDownCounter<int>(
        "profilegrid.import.runs", "{run}", "Import runs going on in this gateway.");

    private static readonly KeyValuePair<string, object?> AppliedTag = new("outcome", "applied");
    private static readonly KeyValuePair<string, object?> DuplicateTag = new("outcome", "duplicate");
    private static readonly KeyValuePair<string, object?> RejectedTag = new("outcome", "rejected");

    public static void Applied() => LineCounter.Add(1, AppliedTag);

    public static void Duplicate() => LineCounter.Add(1, DuplicateTag);

    public static void Rejected() => LineCounter.Add(1, RejectedTag);

    public static void RunStarted() => RunCounter.Add(1);

    public static void RunEnded() => RunCounter.Add(-1);
}
