using BenchmarkDotNet.Attributes;
using ProfileGrid.Customers;
using ProfileGrid.Events;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks;

/// <summary>
/// What the customer journal encodes for a write: an entry of one event (most writes), or a compressed snapshot of
/// the whole state (now and then, <see cref="CustomerJournal"/>); the <c>Bytes</c> column is the stored size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PayloadBytesConfig))]
public class JournalWriteBenchmarks
{
    private static readonly CustomerCodec Codec = new(StateSerializationBenchmarks.Serializer);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private CustomerState _state = new();
    private CustomerEntry _entry = null!;

    private static CustomerEntry OneEventEntry(CustomerState state)
    {
        var customerEvent = new CustomerEvent("5f0c6c1e-7d4b-4a8e-9a51-0c2b1d3e4f60", "page_view", Now, null, "web", """{"path":"/products/42"}""");
        return new CustomerEntry(state.Seq + 1, Now, [new EventsChange("webshop", [customerEvent], Now)]);
    }

    [Params("typical", "hot")]
    public string Customer { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        _state = SampleCustomers.Build(Customer);
        _entry = OneEventEntry(_state);
    }

    /// <summary>An append: the write's entry, one event.</summary>
    [Benchmark]
    public byte[] Entry() => Codec.Encode(_entry, compress: false);

    /// <summary>A snapshot: the whole state, serialized and Zstandard-compressed.</summary>
    [Benchmark]
    public byte[] Snapshot() => Codec.Encode(_state, compress: true);

    private sealed class PayloadBytesConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public PayloadBytesConfig() => AddColumn(new BytesColumn("Size of the encoded payload as the journal stores it", benchmarkCase =>
        {
            var state = SampleCustomers.Build(BytesColumn.CustomerOf(benchmarkCase));
            return benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Entry)
                ? Codec.Encode(OneEventEntry(state), compress: false).Length
                : Codec.Encode(state, compress: true).Length;
        }));
    }
}
