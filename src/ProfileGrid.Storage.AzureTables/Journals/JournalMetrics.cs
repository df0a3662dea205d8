using System.Diagnostics.Metrics;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Counts what a journal storage sends to its table, on the meter <see cref="MeterName"/> (for dotnet-counters and
/// OpenTelemetry, tagged with the provider name) and in totals of its own (for tests and benchmarks).
/// Writes per transaction is the batching factor.
/// </summary>
internal sealed class JournalMetrics(string providerName)
{
    public const string MeterName = "ProfileGrid.Storage";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> TransactionCounter =
        Meter.CreateCounter<long>("profilegrid.journal.transactions", "{transaction}", "Entity-group transactions submitted, failed ones included.");
    private static readonly Counter<long> OperationCounter =
        Meter.CreateCounter<long>("profilegrid.journal.operations", "{operation}", "Row operations submitted in those transactions.");
    private static readonly Counter<long> WriteCounter =
        Meter.CreateCounter<long>("profilegrid.journal.writes", "{write}", "Journal writes committed.");

    private readonly KeyValuePair<string, object?> _provider = new("provider", providerName);
    private long _transactions;
    private long _operations;
    private long _writes;

    public long Transactions => Interlocked.Read(ref _transactions);

    public long Operations => Interlocked.Read(ref _operations);

    public long Writes => Interlocked.Read(ref _writes);

    public void Submitted(int operations)
    {
        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _operations, operations);
        TransactionCounter.Add(1, _provider);
        OperationCounter.Add(operations, _provider);
    }

    public void Committed(int writes)
    {
        Interlocked.Add(ref _writes, writes);
        WriteCounter.Add(writes, _provider);
    }
}
