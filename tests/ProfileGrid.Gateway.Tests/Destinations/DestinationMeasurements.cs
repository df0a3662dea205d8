using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ProfileGrid.Gateway.Tests.Destinations;

/// <summary>What the meter <c>ProfileGrid.Destinations</c> records for one destination while it is listened to.</summary>
internal sealed class DestinationMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();

    public DestinationMeasurements(string destination)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "ProfileGrid.Destinations") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, destination));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags, destination));
        _listener.Start();
    }

    public long Count(string instrument) => (long)_measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    public double[] Values(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];

    /// <summary>Each measurement's <paramref name="tag"/> (besides the destination), as often as it was recorded with it.</summary>
    public string?[] TagValues(string instrument, string tag) =>
        [.. _measurements.Where(m => m.Instrument == instrument).SelectMany(m => Enumerable.Repeat(m.Tags.GetValueOrDefault(tag), (int)m.Value))];

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string destination)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "destination" && (string?)tag.Value == destination)
            {
                var others = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var other in tags) others[other.Key] = other.Value?.ToString();
                _measurements.Enqueue((instrument.Name, value, others));
            }
        }
    }
}
