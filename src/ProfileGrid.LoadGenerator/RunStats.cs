using System.Collections.Concurrent;

namespace ProfileGrid.LoadGenerator;

/// <summary>Counters of one phase (preload, warm-up or measured), updated by every sender at once.</summary>
public sealed class RunStats
{
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _requests, _events, _duplicates, _rejected, _errorCount;

    public LatencyHistogram Latency { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Events => Interlocked.Read(ref _events);

    public long ErrorCount => Interlocked.Read(ref _errorCount);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Rejected => Interlocked.Read(ref _rejected);

    public Dictionary<string, long> Errors => new(_errors, StringComparer.Ordinal);

    public void Succeeded(Answer answer, TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _events, answer.Accepted);
        Interlocked.Add(ref _duplicates, answer.Duplicates);
        Interlocked.Add(ref _rejected, answer.Rejected);
        Latency.Record(latency);
    }

    /// <summary>Events answered without a request of their own (the producer client's counts, which come apart from its batches' latencies).</summary>
    public void Counted(Answer answer)
    {
        Interlocked.Add(ref _events, answer.Accepted);
        Interlocked.Add(ref _duplicates, answer.Duplicates);
        Interlocked.Add(ref _rejected, answer.Rejected);
    }

    /// <summary>Events lost without a request of their own, e.g. the client dropped a batch: counted as errors of <paramref name="kind"/>.</summary>
    public void Lost(string kind, long events)
    {
        Interlocked.Add(ref _errorCount, events);
        _errors.AddOrUpdate(kind, events, (_, n) => n + events);
    }

    public void Failed(string kind, TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _errorCount);
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Latency.Record(latency);
    }
}
