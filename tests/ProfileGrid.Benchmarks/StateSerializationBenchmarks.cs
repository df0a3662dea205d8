using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using ProfileGrid.Customers;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks;

/// <summary>
/// A customer's whole state through Orleans' binary serializer, as a journal snapshot starts from it (before its
/// compression, <see cref="JournalWriteBenchmarks"/>); the <c>Bytes</c> column is the serialized size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StateBytesConfig))]
public class StateSerializationBenchmarks
{
    internal static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(CustomerState).Assembly).AddAssembly(typeof(ProfileGrid.Events.CustomerEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private CustomerState _state = new();
    private byte[] _bytes = [];

    [Params("typical", "hot")]
    public string Customer { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _state = SampleCustomers.Build(Customer);
        _bytes = Serializer.SerializeToArray(_state);
    }

    [Benchmark]
    public byte[] Serialize() => Serializer.SerializeToArray(_state);

    [Benchmark]
    public CustomerState? Deserialize() => Serializer.Deserialize<CustomerState>(_bytes);

    private sealed class StateBytesConfig : ManualConfig
    {
        public StateBytesConfig() => AddColumn(new BytesColumn(
            "Serialized size of the customer state (Orleans binary serializer)",
            benchmarkCase => Serializer.SerializeToArray(SampleCustomers.Build(BytesColumn.CustomerOf(benchmarkCase))).Length));
    }
}
