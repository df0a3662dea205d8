using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// Measures how long customers go unserved after a fault: every probe customer gets a new single-event request
/// every 250 ms, whether or not the previous ones were answered, on the same clock as an <see cref="EventLoad"/>.
/// After a silo dies, new requests for the customers it held wait (the gateway retries what the cluster refuses)
/// until the cluster has declared it dead and re-activated them elsewhere; the others answer at once. Requests that
/// were on the dead silo's connections when it died are lost with it and time out; they do not hold the next back.
/// </summary>
internal sealed class FailoverProbe(HttpClient gateway, string runId, Func<TimeSpan> clock, int customers = 12)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<(int Customer, TimeSpan Sent, TimeSpan Answered, int Status)> _requests = new();

    public int Requests => _requests.Count;

    /// <summary>Probes until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, customers).Select(c => Task.Run(() => ProbeAsync(c, stop), CancellationToken.None)));

    /// <summary>
    /// The time from <paramref name="faultAt"/> until every probe customer had a request sent at or after it answered
    /// 202: how long the slowest customer went unserved (null if one never was).
    /// </summary>
    public TimeSpan? ServedAgainAfter(TimeSpan faultAt)
    {
        var firstServed = Enumerable.Range(0, customers).Select(c => _requests
            .Where(r => r.Customer == c && r.Status == 202 && r.Sent >= faultAt)
            .Select(r => (TimeSpan?)r.Answered).Min()).ToList();
        return firstServed.Any(t => t is null) ? null : firstServed.Max() - faultAt;
    }

    /// <summary>Probe requests not answered 202.</summary>
    public int Failures => _requests.Count(r => r.Status != 202);

    private async Task ProbeAsync(int customer, CancellationToken stop)
    {
        var customerId = string.Create(CultureInfo.InvariantCulture, $"{runId}-probe{customer:00}");
        var pending = new List<Task>();
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            pending.Add(PostAsync(customer, customerId, sequence));
            await Task.Delay(Interval, CancellationToken.None);
        }

        await Task.WhenAll(pending);
    }

    private async Task PostAsync(int customer, string customerId, int sequence)
    {
        var body = new { id = string.Create(CultureInfo.InvariantCulture, $"{customerId}-e{sequence}"), type = "page_view", customerId };
        var sent = clock();
        int status;
        try
        {
            using var timeout = new CancellationTokenSource(RequestTimeout);
            using var response = await gateway.PostAsJsonAsync(new Uri("v1/events", UriKind.Relative), body, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            status = 0;
        }

        _requests.Enqueue((customer, sent, clock(), status));
    }
}
