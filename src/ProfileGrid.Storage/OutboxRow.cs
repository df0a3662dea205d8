namespace ProfileGrid.Storage;

/// <summary>
/// One row of a journal outbox: the records of the writes one storage request stored, in the order written.
/// </summary>
/// <param name="Id">Unique in its partition and ordered by <paramref name="WrittenAt"/>; the same each time the row is read.</param>
/// <param name="WrittenAt">When the request that stored it was sent, by the writer's clock.</param>
/// <param name="Records">The writes' outbox records.</param>
public sealed record OutboxRow(string Id, DateTimeOffset WrittenAt, IReadOnlyList<byte[]> Records)
{
    /// <summary>A row id: the time's ticks (19 digits, so ids sort by time) and a suffix unique among the rows of that instant.</summary>
    public static string NewId(DateTimeOffset at, string unique) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}-{unique}");

    /// <summary>The instant a row id names.</summary>
    public static DateTimeOffset TimeOf(string id) =>
        id.Length >= 19 && long.TryParse(id.AsSpan(0, 19), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw new FormatException($"'{id}' is not an outbox row id.");
}
