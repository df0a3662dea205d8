using Azure;
using Azure.Data.Tables;
using Orleans.Storage;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// One journal write: a single operation on the journal's row, whose new ETag becomes the journal's version tag,
/// sent alone or in whichever transaction carries it.
/// </summary>
internal sealed class TransactionUnit(string key, JournalVersion expected, TableTransactionAction action, int payloadBytes,
    ReadOnlyMemory<byte> outbox = default, ReadOnlyMemory<byte> deliveries = default)
{
    private readonly TaskCompletionSource<ETag> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TableTransactionAction Action => action;

    /// <summary>The journal's row: a transaction may touch a row only once, so two writes of one journal never share one.</summary>
    public string RowKey => action.Entity.RowKey;

    /// <summary>Payload bytes the operations carry, before the base64 encoding of the request.</summary>
    public int PayloadBytes => payloadBytes;

    /// <summary>The write's outbox record (empty for none): it goes in the outbox row of whichever transaction carries the write.</summary>
    public ReadOnlyMemory<byte> Outbox => outbox;

    /// <summary>The write's record for the deliveries outbox (empty for none), as <see cref="Outbox"/> for the archive's.</summary>
    public ReadOnlyMemory<byte> Deliveries => deliveries;

    public ReadOnlyMemory<byte> OutboxOf(OutboxChannel channel) => channel == OutboxChannel.Archive ? outbox : deliveries;

    /// <summary>Whether the write carries a record for any outbox.</summary>
    public bool HasOutbox => !outbox.IsEmpty || !deliveries.IsEmpty;

    /// <summary>The row's new ETag once the write commits.</summary>
    public Task<ETag> Completion => _completion.Task;

    public void Commit(ETag etag) => _completion.TrySetResult(etag);

    public void Fail(Exception exception) => _completion.TrySetException(exception);

    /// <summary>The table refused the operation because the journal is no longer at the expected version.</summary>
    public void FailAsStale(RequestFailedException exception) => Fail(new InconsistentStateException(
        $"Journal '{key}' is no longer at {expected}: another activation wrote it (HTTP {exception.Status} {exception.ErrorCode}).",
        "unknown",
        expected.Tag ?? "none",
        exception));
}
