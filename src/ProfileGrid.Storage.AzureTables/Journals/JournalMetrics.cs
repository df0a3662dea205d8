using System.Diagnostics.Metrics;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Counts what a journal storage sends to its table, on the meter <see cref="MeterName"/> (for dotnet-counters and
/// OpenTelemetry, tagged with the provider name) and in totals of its own (read by the tests).
/// Writes per request is the batching factor.
/// </summary>
internal sealed class JournalMetrics(string providerName)
{
    public const string MeterName = "ProfileGrid.Storage";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> RequestCounter =
        Meter.CreateCounter<long>("profilegrid.journal.requests", "{request}", "Requests sent: entity-group transactions, and plain single-row writes when a partition has one write waiting; failed ones included.");
    private static readonly Counter<long> OperationCounter =
        Meter.CreateCounter<long>("profilegrid.journal.operations", "{operation}", "Row operations in those requests (one per journal write).");
    private static readonly Counter<long> WriteCounter =
        Meter.CreateCounter<long>("profilegrid.journal.writes", "{write}", "Journal writes committed.");

    private readonly KeyValuePair<string, object?> _provider = new("provider", providerName);
    private long _requests;
    private long _operations;
    private long _writes;

    public long Requests => Interlocked.Read(ref _requests);

    public long Operations => Interlocked.Read(ref _operations);

    public long Writes => Interlocked.Read(ref _writes);

    public void Submitted(int operations)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _operations, operations);
        RequestCounter.Add(1, _provider);
        OperationCounter.Add(operations, _provider);
    }

    public void Committed(int writes)
    {
        Interlocked.Add(ref _writes, writes);
        WriteCounter.Add(writes, _provider);
    }
}
