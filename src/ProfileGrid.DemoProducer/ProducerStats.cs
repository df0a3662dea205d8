using System.Globalization;

namespace ProfileGrid.DemoProducer;

/// <summary>Running totals, printed every few seconds so the operator sees traffic flowing (or why it is not).</summary>
internal sealed class ProducerStats(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _sent, _accepted, _duplicates, _rejected, _retries, _refused;
    private string? _lastRetryReason;

    public void Sent(int count, EventsResult? result)
    {
        Interlocked.Add(ref _sent, count);
        if (result is null) return;
        Interlocked.Add(ref _accepted, result.Accepted);
        Interlocked.Add(ref _duplicates, result.Duplicates);
        Interlocked.Add(ref _rejected, result.Rejected.Count);
        foreach (var r in result.Rejected.Take(3)) Console.Error.WriteLine($"rejected event {r.Id}: {r.Error}");
    }

    public void Retried(string reason)
    {
        Interlocked.Increment(ref _retries);
        if (reason != _lastRetryReason) Console.Error.WriteLine($"gateway unavailable ({reason}); retrying with the same event ids");
        _lastRetryReason = reason;
    }

    public async Task RefusedAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _refused);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Console.Error.WriteLine($"{method} /{path} answered {(int)response.StatusCode}: {body}");
    }

    public string Summary()
    {
        var seconds = Math.Max(time.GetElapsedTime(_started).TotalSeconds, 0.001);
        _lastRetryReason = null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Interlocked.Read(ref _sent):N0} events sent ({Interlocked.Read(ref _sent) / seconds:F1}/s): {Interlocked.Read(ref _accepted):N0} accepted, " +
            $"{Interlocked.Read(ref _duplicates):N0} duplicates, {Interlocked.Read(ref _rejected):N0} rejected; {Interlocked.Read(ref _retries):N0} retries, {Interlocked.Read(ref _refused):N0} requests refused");
    }
}
