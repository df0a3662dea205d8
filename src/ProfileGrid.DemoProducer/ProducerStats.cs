using System.Diagnostics.Metrics;
using System.Globalization;
using ProfileGrid.Client;

namespace ProfileGrid.DemoProducer;

/// <summary>
/// Running totals, printed every few seconds so the operator sees traffic flowing (or why it is not): events queued
/// here, what the producer client's meter says became of them, and the seeding requests.
/// </summary>
internal sealed class ProducerStats : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly MeterListener _listener = new();
    private long _sent, _accepted, _duplicates, _rejected, _dropped, _retries, _refused;
    private string? _lastRetryReason;

    public ProducerStats(TimeProvider time)
    {
        (_time, _started) = (time, time.GetTimestamp());
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ProfileGridClient.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public void Queued(int count) => Interlocked.Add(ref _sent, count);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == "profilegrid.client.retries")
        {
            Interlocked.Add(ref _retries, value);
            return;
        }

        foreach (var tag in tags)
        {
            if (tag.Key != "outcome") continue;
            switch (tag.Value as string)
            {
                case "accepted": Interlocked.Add(ref _accepted, value); break;
                case "duplicate": Interlocked.Add(ref _duplicates, value); break;
                case "rejected": Interlocked.Add(ref _rejected, value); break;
                default: Interlocked.Add(ref _dropped, value); break;
            }
        }
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
        var seconds = Math.Max(_time.GetElapsedTime(_started).TotalSeconds, 0.001);
        _lastRetryReason = null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Interlocked.Read(ref _sent):N0} events sent ({Interlocked.Read(ref _sent) / seconds:F1}/s): {Interlocked.Read(ref _accepted):N0} accepted, " +
            $"{Interlocked.Read(ref _duplicates):N0} duplicates, {Interlocked.Read(ref _rejected):N0} rejected, {Interlocked.Read(ref _dropped):N0} dropped; " +
            $"{Interlocked.Read(ref _retries):N0} retries, {Interlocked.Read(ref _refused):N0} seeding requests refused");
    }
}
