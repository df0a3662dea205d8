using BenchmarkDotNet.Attributes;
using ProfileGrid.Customers;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks;

/// <summary>The idempotency log: a new id into a full log of 10,000, a duplicate, the trim after it, a producer scope.</summary>
[MemoryDiagnoser]
public class IdempotencyBenchmarks
{
    private readonly string _producer = "webshop";
    private readonly long _scope = IdempotencyLog.ScopeOf("webshop");
    private IdempotencyLog _log = new();
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _log = new IdempotencyLog();
        for (var i = 0; i < IdempotencyLog.MaxEntries; i++) _log.TryAdd(_scope, $"seed-{i}", SampleCustomers.Now);
    }

    /// <summary>TryAdd of a new id and the Trim after it, on a full log of 10,000 ids.</summary>
    [Benchmark]
    public bool TryAddNewAndTrimFullLog()
    {
        var added = _log.TryAdd(_scope, $"evt-{_next++}", SampleCustomers.Now);
        _log.Trim(SampleCustomers.Now);
        return added;
    }

    [Benchmark]
    public bool TryAddDuplicate() => _log.TryAdd(_scope, "seed-9999", SampleCustomers.Now);

    [Benchmark]
    public long ScopeOf() => IdempotencyLog.ScopeOf(_producer);
}
