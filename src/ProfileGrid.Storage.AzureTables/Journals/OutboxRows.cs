using Azure.Data.Tables;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// The outbox rows of a journal table: in each partition, next to its journals, one row per transaction and channel
/// (<see cref="OutboxChannel"/>) that carried outbox records, holding them all (<see cref="OutboxRecords"/>, spread
/// like a payload: <see cref="StatePayload"/>). Row keys start with the channel's prefix (<see cref="Prefix"/>), which
/// no journal row key can (<see cref="TableKey.SanitizePrefix"/> escapes <see cref="TableKey.Separator"/>), followed by
/// the <see cref="OutboxRow.Id"/> (time-ordered).
/// </summary>
internal static class OutboxRows
{
    /// <summary>What a channel's row keys start with: the archive's (<c>!outbox!</c>, as ever), the deliveries' (<c>!deliveries!</c>).</summary>
    public static string Prefix(OutboxChannel channel) => channel == OutboxChannel.Archive ? "!outbox!" : "!deliveries!";

    /// <summary>The first row key of a channel's range; every row key of it is at or after this and before <see cref="Last"/>.</summary>
    public static string First(OutboxChannel channel) => Prefix(channel);

    /// <summary>The prefix with its last character raised by one: after every row key of the channel.</summary>
    public static string Last(OutboxChannel channel) => Prefix(channel)[..^1] + "\"";

    private const string CountProperty = "Records";

    /// <summary>An outbox row holds at most this many bytes of records: a row's payload limit.</summary>
    public const int MaxBytes = StatePayload.MaxSize;

    public static string RowKey(OutboxChannel channel, string id) => Prefix(channel) + id;

    /// <summary>Whether a row of a journal table is an outbox row (of any channel): no journal's row key starts with <see cref="TableKey.Separator"/>.</summary>
    public static bool IsOutboxRow(string rowKey) => rowKey.Length > 0 && rowKey[0] == TableKey.Separator;

    public static TableTransactionAction Add(OutboxChannel channel, string partitionKey, string id, IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        var entity = new TableEntity(partitionKey, RowKey(channel, id)) { [CountProperty] = records.Count };
        StatePayload.Write(entity, OutboxRecords.Pack(records));
        return new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    public static OutboxRow Read(OutboxChannel channel, TableEntity entity)
    {
        var id = entity.RowKey[Prefix(channel).Length..];
        var records = OutboxRecords.Unpack(StatePayload.Read(entity) ?? []);
        if (records.Count != (entity.GetInt32(CountProperty) ?? -1))
            throw new CorruptStateException($"Outbox row ({entity.PartitionKey}, {entity.RowKey}) counts {entity.GetInt32(CountProperty)} records but holds {records.Count}.");
        return new OutboxRow(id, OutboxRow.TimeOf(id), records);
    }
}
