using System.Text;
using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// The customer's latest events by timestamp, newest first, each with a bounded summary of its properties
/// (<see cref="PropertySummary"/>): at most <see cref="Capacity"/> events and
/// <see cref="CustomerLimits.MaxActivityBytes"/> of their text, whichever is reached first (the newest event always stays).
/// </summary>
[GenerateSerializer, Alias("pg.ActivityLog")]
public sealed class ActivityLog
{
    public const int Capacity = 50;

    [NonSerialized] private int _bytes = -1;

    [Id(0)] public List<CustomerEvent> Events { get; set; } = [];

    /// <summary>The text the ring holds, as <see cref="SizeOf"/> counts it.</summary>
    public int Bytes => _bytes >= 0 ? _bytes : _bytes = Events.Sum(SizeOf);

    public void Add(CustomerEvent customerEvent)
    {
        // Events mostly arrive in order, so the insertion point is almost always the front.
        var at = 0;
        while (at < Events.Count && Events[at].Timestamp > customerEvent.Timestamp) at++;
        if (at >= Capacity) return;
        var entry = customerEvent with { Properties = PropertySummary.Of(customerEvent.Properties) };
        _bytes = Bytes + SizeOf(entry);
        Events.Insert(at, entry);
        while (Events.Count > Capacity || (_bytes > CustomerLimits.MaxActivityBytes && Events.Count > 1))
        {
            _bytes -= SizeOf(Events[^1]);
            Events.RemoveAt(Events.Count - 1);
        }
    }

    /// <summary>An entry's UTF-8 text plus 16 bytes for its timestamp and value.</summary>
    public static int SizeOf(CustomerEvent entry) =>
        16 + Utf8(entry.Id) + Utf8(entry.Type) + Utf8(entry.Channel) + Utf8(entry.Properties);

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
