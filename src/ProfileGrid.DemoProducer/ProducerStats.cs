using System.Globalization;

namespace ProfileGrid.DemoProducer;

/// <summary>Running totals, printed every few seconds so the operator sees traffic flowing (or why it is not).</summary>
internal sealed class ProducerStats(TimeProvider time)
{
    private readonly long started = time.GetTimestamp();
    private long sent, accepted, duplicates, rejected, retries, refused;
    private string? lastRetryReason;

    public void Sent(int count, EventsResult? result)
    {
        Interlocked.Add(ref sent, count);
        if (result is null) return;
        Interlocked.Add(ref accepted, result.Accepted);
        Interlocked.Add(ref duplicates, result.Duplicates);
        Interlocked.Add(ref rejected, result.Rejected.Count);
        foreach (var r in result.Rejected.Take(3)) Console.Error.WriteLine($"rejected event {r.Id}: {r.Error}");
    }

    public void Retried(string reason)
    {
        Interlocked.Increment(ref retries);
        if (reason != lastRetryReason) Console.Error.WriteLine($"gateway unavailable ({reason}); retrying with the same event ids");
        lastRetryReason = reason;
    }

    public async Task RefusedAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref refused);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Console.Error.WriteLine($"{method} /{path} answered {(int)response.StatusCode}: {body}");
    }

    public string Summary()
    {
        var seconds = Math.Max(time.GetElapsedTime(started).TotalSeconds, 0.001);
        lastRetryReason = null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Interlocked.Read(ref sent):N0} events sent ({Interlocked.Read(ref sent) / seconds:F1}/s): {Interlocked.Read(ref accepted):N0} accepted, " +
            $"{Interlocked.Read(ref duplicates):N0} duplicates, {Interlocked.Read(ref rejected):N0} rejected; {Interlocked.Read(ref retries):N0} retries, {Interlocked.Read(ref refused):N0} requests refused");
    }
}
