using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Gateway.Realtime;

namespace ProfileGrid.Gateway.Tests;

/// <summary>Counts the measurements of one test gateway's realtime meter (not another gateway's in the same test process).</summary>
public sealed class RealtimeCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);

    public RealtimeCounters(IServiceProvider gateway)
    {
        var meters = gateway.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RealtimeMetrics.MeterName && instrument.Meter.Scope == meters) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags) key += $"|{tag.Value}";
            _counts.AddOrUpdate(key, value, (_, count) => count + value);
            _changed.Release();
        });
        _listener.Start();
    }

    /// <summary>The failures of one operation so far (<see cref="RealtimeMetrics.Renew"/>, ...).</summary>
    public long Failures(string operation) => _counts.GetValueOrDefault($"{RealtimeMetrics.FailuresInstrument}|{operation}");

    public long Dropped => _counts.GetValueOrDefault(RealtimeMetrics.DroppedInstrument);

    public async Task WaitUntil(Func<RealtimeCounters, bool> condition, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (!condition(this)) await _changed.WaitAsync(cancel.Token);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _changed.Dispose();
    }
}
