using System.Buffers.Binary;
using System.Text;
using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// The customer's latest events by timestamp, newest first, each with a bounded summary of its properties
/// (<see cref="PropertySummary"/>): at most <see cref="Capacity"/> events and
/// <see cref="CustomerLimits.MaxActivityBytes"/> of their text, whichever is reached first (the newest event always stays).
/// </summary>
/// <remarks>
/// The entries live encoded in one buffer of the log's own, written in place: adding an event keeps no object of
/// it alive, only its bytes, and the buffer grows a few times in a customer's life and then stays. An event kept as
/// objects (the event, its id, type, channel and properties) lived until newer events pushed it out, a second or two
/// for a busy customer: long enough for the collector to promote every one of them before it died, which was the
/// tail of push latency under ingest (docs/benchmarks.md). <see cref="Events"/> decodes the entries when asked (a
/// view, a push to a watching agent, a snapshot). An entry: its length and text bytes (int32 each), the timestamp's
/// UTC ticks (int64) and offset in minutes (int16), whether it has a value (byte) and the value (decimal, 16 bytes),
/// then the id, type, channel and properties, each an int32 UTF-8 length (-1 for null) and the bytes.
/// </remarks>
[GenerateSerializer, Alias("pg.ActivityLog")]
public sealed class ActivityLog
{
    public const int Capacity = 50;

    private const int LengthAt = 0, TextAt = 4, TicksAt = 8, OffsetAt = 16, HasValueAt = 18, ValueAt = 19, StringsAt = 35;

    [NonSerialized] private byte[] _buffer = [];
    [NonSerialized] private int _used;
    [NonSerialized] private int _count;
    [NonSerialized] private int _bytes;

    /// <summary>The events, newest first, decoded from the log's buffer: a new list on every call.</summary>
    /// <remarks>The stored form; setting it replaces the log by the events in the order given, as they were stored.</remarks>
    [Id(0)]
    public List<CustomerEvent> Events
    {
        get
        {
            var events = new List<CustomerEvent>(_count);
            for (var at = 0; at < _used; at += LengthOf(at)) events.Add(Decode(_buffer.AsSpan(at, LengthOf(at))));
            return events;
        }
        set
        {
            (_buffer, _used, _count, _bytes) = ([], 0, 0, 0);
            foreach (var entry in value ?? []) Insert(_used, entry, entry.Properties);
        }
    }

    public int Count => _count;

    /// <summary>The text the ring holds, as <see cref="SizeOf"/> counts it.</summary>
    public int Bytes => _bytes;

    public void Add(CustomerEvent customerEvent)
    {
        // Events mostly arrive in order, so the insertion point is almost always the front.
        var at = 0;
        var index = 0;
        var ticks = customerEvent.Timestamp.UtcTicks;
        while (at < _used && TicksOf(at) > ticks)
        {
            at += LengthOf(at);
            index++;
        }

        if (index >= Capacity) return;
        Insert(at, customerEvent, PropertySummary.Of(customerEvent.Properties));
        while (_count > Capacity || (_bytes > CustomerLimits.MaxActivityBytes && _count > 1)) RemoveLast();
    }

    /// <summary>An entry's UTF-8 text plus 16 bytes for its timestamp and value.</summary>
    public static int SizeOf(CustomerEvent entry) => 16 + TextOf(entry, entry.Properties);

    private static int TextOf(CustomerEvent entry, string? properties) =>
        Utf8(entry.Id) + Utf8(entry.Type) + Utf8(entry.Channel) + Utf8(properties);

    /// <summary>Writes the event, with <paramref name="properties"/> for its own, in place at byte <paramref name="at"/>.</summary>
    private void Insert(int at, CustomerEvent entry, string? properties)
    {
        var text = TextOf(entry, properties);
        var length = StringsAt + 4 * sizeof(int) + text;
        if (_used + length > _buffer.Length)
        {
            var grown = new byte[Math.Max(_used + length, _buffer.Length * 2)];
            _buffer.AsSpan(0, _used).CopyTo(grown);
            _buffer = grown;
        }

        _buffer.AsSpan(at, _used - at).CopyTo(_buffer.AsSpan(at + length));
        Encode(_buffer.AsSpan(at, length), entry, properties, text);
        (_used, _count, _bytes) = (_used + length, _count + 1, _bytes + 16 + text);
    }

    private void RemoveLast()
    {
        var at = 0;
        for (var i = 1; i < _count; i++) at += LengthOf(at);
        _bytes -= 16 + BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at + TextAt));
        (_used, _count) = (at, _count - 1);
    }

    private int LengthOf(int at) => BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at + LengthAt));

    private long TicksOf(int at) => BinaryPrimitives.ReadInt64LittleEndian(_buffer.AsSpan(at + TicksAt));

    private static void Encode(Span<byte> entry, CustomerEvent source, string? properties, int text)
    {
        BinaryPrimitives.WriteInt32LittleEndian(entry[LengthAt..], entry.Length);
        BinaryPrimitives.WriteInt32LittleEndian(entry[TextAt..], text);
        BinaryPrimitives.WriteInt64LittleEndian(entry[TicksAt..], source.Timestamp.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(entry[OffsetAt..], (short)source.Timestamp.TotalOffsetMinutes);
        entry[HasValueAt] = source.Value.HasValue ? (byte)1 : (byte)0;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(source.Value ?? 0m, bits);
        for (var i = 0; i < bits.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(entry[(ValueAt + i * sizeof(int))..], bits[i]);
        var at = StringsAt;
        foreach (var value in (ReadOnlySpan<string?>)[source.Id, source.Type, source.Channel, properties])
        {
            var length = value is null ? -1 : Encoding.UTF8.GetBytes(value, entry[(at + sizeof(int))..]);
            BinaryPrimitives.WriteInt32LittleEndian(entry[at..], length);
            at += sizeof(int) + Math.Max(length, 0);
        }
    }

    private static CustomerEvent Decode(ReadOnlySpan<byte> entry)
    {
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(entry[TicksAt..]);
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(entry[OffsetAt..]));
        var timestamp = new DateTimeOffset(ticks + offset.Ticks, offset);
        decimal? value = null;
        if (entry[HasValueAt] == 1)
        {
            Span<int> bits = stackalloc int[4];
            for (var i = 0; i < bits.Length; i++) bits[i] = BinaryPrimitives.ReadInt32LittleEndian(entry[(ValueAt + i * sizeof(int))..]);
            value = new decimal(bits);
        }

        var at = StringsAt;
        var id = Next(entry, ref at)!;
        var type = Next(entry, ref at)!;
        return new CustomerEvent(id, type, timestamp, value, Next(entry, ref at), Next(entry, ref at));
    }

    private static string? Next(ReadOnlySpan<byte> entry, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(entry[at..]);
        at += sizeof(int);
        if (length < 0) return null;
        var text = Encoding.UTF8.GetString(entry.Slice(at, length));
        at += length;
        return text;
    }

    private static int Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
