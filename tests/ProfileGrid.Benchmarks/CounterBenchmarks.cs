using BenchmarkDotNet.Attributes;
using ProfileGrid.Counters;
using ProfileGrid.Customers;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks;

/// <summary>The rolling counters of a customer: record one event, compact, and read the windows.</summary>
[MemoryDiagnoser]
public class CounterBenchmarks
{
    private RollingCounters _counters = new();
    private DateTimeOffset _now;

    [Params("typical", "hot")]
    public string Customer { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _counters = SampleCustomers.Build(Customer).Counters;
        _now = SampleCustomers.Now;
    }

    [Benchmark]
    public void Record() => _counters.Record("page_view", _now, 0m, _now);

    [Benchmark]
    public void Compact() => _counters.Compact(_now);

    [Benchmark]
    public CounterView[] View() => _counters.View(_now);
}
