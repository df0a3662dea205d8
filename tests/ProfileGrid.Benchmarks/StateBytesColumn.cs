using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ProfileGrid.Benchmarks;

/// <summary>The serialized size in bytes of the benchmark's <c>Customer</c> state.</summary>
internal sealed class StateBytesColumn : IColumn
{
    public string Id => nameof(StateBytesColumn);

    public string ColumnName => "Bytes";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Size;

    public string Legend => "Serialized size of the customer state (Orleans binary serializer)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var kind = benchmarkCase.Parameters["Customer"] as string ?? "typical";
        var bytes = StateSerializationBenchmarks.Serializer.SerializeToArray(SampleCustomers.Build(kind)).Length;
        return bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
