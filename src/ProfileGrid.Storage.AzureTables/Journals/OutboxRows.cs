using Azure.Data.Tables;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// The outbox rows of a journal table: in each partition, next to its journals, one row per transaction that carried
/// outbox records, holding them all (<see cref="OutboxRecords"/>, spread like a payload: <see cref="StatePayload"/>).
/// Row keys start with <see cref="Prefix"/>, which no journal row key can (<see cref="TableKey.SanitizePrefix"/> escapes
/// <see cref="TableKey.Separator"/>), followed by the <see cref="OutboxRow.Id"/> (time-ordered).
/// </summary>
internal static class OutboxRows
{
    public const string Prefix = "!outbox!";

    /// <summary>The first row key of the range; every outbox row key is at or after it and before <see cref="Last"/>.</summary>
    public const string First = Prefix;

    /// <summary>The prefix with its last character raised by one: after every outbox row key.</summary>
    public const string Last = "!outbox\"";

    private const string CountProperty = "Records";

    /// <summary>An outbox row holds at most this many bytes of records: a row's payload limit.</summary>
    public const int MaxBytes = StatePayload.MaxSize;

    public static string RowKey(string id) => Prefix + id;

    public static TableTransactionAction Add(string partitionKey, string id, IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        var entity = new TableEntity(partitionKey, RowKey(id)) { [CountProperty] = records.Count };
        StatePayload.Write(entity, OutboxRecords.Pack(records));
        return new TableTransactionAction(TableTransactionActionType.Add, entity);
    }

    public static OutboxRow Read(TableEntity entity)
    {
        var id = entity.RowKey[Prefix.Length..];
        var records = OutboxRecords.Unpack(StatePayload.Read(entity) ?? []);
        if (records.Count != (entity.GetInt32(CountProperty) ?? -1))
            throw new CorruptStateException($"Outbox row ({entity.PartitionKey}, {entity.RowKey}) counts {entity.GetInt32(CountProperty)} records but holds {records.Count}.");
        return new OutboxRow(id, OutboxRow.TimeOf(id), records);
    }
}
