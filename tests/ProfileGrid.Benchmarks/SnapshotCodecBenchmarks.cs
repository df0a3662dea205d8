using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using ProfileGrid.Testing;
using ZstdSharp;

namespace ProfileGrid.Benchmarks;

/// <summary>
/// Why snapshots are compressed with Zstandard (<c>CustomerCodec</c>): the compressors the journal could use, on a
/// typical customer's serialized state and a hot one's (mostly incompressible idempotency digests). The codec uses
/// Zstandard level 1 up to 16 KiB and level -1 above; Brotli quality 1 and 0 were its choices before.
/// <c>Bytes</c> is the compressed size.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CompressedBytesConfig))]
public class SnapshotCodecBenchmarks
{
    private byte[] _raw = [];
    private byte[] _output = [];
    private Compressor _zstd = null!;

    [Params("typical", "hot")]
    public string Customer { get; set; } = "typical";

    [Params("brotli q1", "brotli q0", "zstd 1", "zstd -1")]
    public string Codec { get; set; } = "zstd 1";

    [GlobalSetup]
    public void Setup()
    {
        _raw = StateSerializationBenchmarks.Serializer.SerializeToArray(SampleCustomers.Build(Customer));
        _output = new byte[_raw.Length * 2 + 1024];
        _zstd = new Compressor(Codec == "zstd -1" ? -1 : 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _zstd.Dispose();

    [Benchmark]
    public int Compress() => Compress(Codec, _raw, _output, _zstd);

    private static int Compress(string codec, byte[] raw, byte[] output, Compressor zstd)
    {
        switch (codec)
        {
            case "brotli q1":
            case "brotli q0":
                BrotliEncoder.TryCompress(raw, output, out var written, codec == "brotli q1" ? 1 : 0, 16);
                return written;
            default:
                return zstd.Wrap(raw, output);
        }
    }

    private sealed class CompressedBytesConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public CompressedBytesConfig() => AddColumn(new BytesColumn("Size of the compressed state", benchmarkCase =>
        {
            var raw = StateSerializationBenchmarks.Serializer.SerializeToArray(SampleCustomers.Build(BytesColumn.CustomerOf(benchmarkCase)));
            var codec = (string)benchmarkCase.Parameters["Codec"];
            using var zstd = new Compressor(codec == "zstd -1" ? -1 : 1);
            return Compress(codec, raw, new byte[raw.Length * 2 + 1024], zstd);
        }));
    }
}
