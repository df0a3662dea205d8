using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ProfileGrid.Benchmarks;

/// <summary>A size in bytes for each benchmark case, as its benchmark class computes it.</summary>
internal sealed class BytesColumn(string legend, Func<BenchmarkCase, int> bytes) : IColumn
{
    public string Id => nameof(BytesColumn);

    public string ColumnName => "Bytes";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Size;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        bytes(benchmarkCase).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The benchmark's <c>Customer</c> parameter: which sample customer it runs on.</summary>
    public static string CustomerOf(BenchmarkCase benchmarkCase) => benchmarkCase.Parameters["Customer"] as string ?? "typical";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
