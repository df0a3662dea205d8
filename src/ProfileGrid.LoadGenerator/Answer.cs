using System.Text.Json;

namespace ProfileGrid.LoadGenerator;

/// <summary>The counts of an ingest answer: <c>{"accepted":n,"duplicates":n,"rejected":[...]}</c>.</summary>
public readonly record struct Answer(long Accepted, long Duplicates, long Rejected)
{
    /// <summary>Reads the counts; a body without them (e.g. a storage tool's) counts <paramref name="sent"/> events as accepted.</summary>
    public static Answer Parse(ReadOnlySpan<byte> body, int sent)
    {
        long? accepted = null;
        long duplicates = 0, rejected = 0;
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                if (reader.ValueTextEquals("accepted")) { reader.Read(); accepted = reader.GetInt64(); }
                else if (reader.ValueTextEquals("duplicates")) { reader.Read(); duplicates = reader.GetInt64(); }
                else if (reader.ValueTextEquals("rejected"))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray) continue;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                        rejected++;
                    }
                }
            }
        }
        catch (JsonException)
        {
            return new Answer(sent, 0, 0);
        }

        return new Answer(accepted ?? sent, duplicates, rejected);
    }
}
