using System.Buffers;
using System.Text.Json;

namespace ProfileGrid.LoadGenerator;

/// <summary>
/// Builds request bodies: one event object when the batch is 1, else <c>{"events":[...]}</c>. Event ids are the run
/// id and a counter shared by all senders, so no event of a run is a duplicate of another.
/// </summary>
public sealed class RequestBodies(string runId, string customerPrefix, ZipfSampler customers, int batch)
{
    private long _counter;

    /// <summary>Events built so far (the next id's counter).</summary>
    public long Built => Interlocked.Read(ref _counter);

    /// <summary>A body with <paramref name="count"/> events for customers drawn from the population.</summary>
    public byte[] Next(Random random, int? count = null, int? customer = null)
    {
        var events = count ?? batch;
        var first = Interlocked.Add(ref _counter, events) - events;
        var buffer = new ArrayBufferWriter<byte>(events * 220 + 16);
        using (var json = new Utf8JsonWriter(buffer))
        {
            if (events > 1 || count is not null)
            {
                json.WriteStartObject();
                json.WriteStartArray("events");
            }

            for (var i = 0; i < events; i++)
            {
                var index = customer ?? customers.Next(random);
                EventMix.Write(json, random, $"{runId}-{first + i}", customerPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (events > 1 || count is not null)
            {
                json.WriteEndArray();
                json.WriteEndObject();
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
