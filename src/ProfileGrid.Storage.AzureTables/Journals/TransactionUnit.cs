using Azure;
using Azure.Data.Tables;
using Orleans.Storage;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// The row operations of one journal write: they commit together or not at all, in whichever transaction carries
/// them. The first operation writes the journal's head row, whose new ETag becomes the journal's version tag.
/// </summary>
internal sealed class TransactionUnit(string key, JournalVersion expected, IReadOnlyList<TableTransactionAction> actions, int payloadBytes)
{
    private readonly TaskCompletionSource<ETag> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Operations in order, the head row's first.</summary>
    public IReadOnlyList<TableTransactionAction> Actions => actions;

    /// <summary>The head row: a transaction may touch a row only once, so two writes of one journal never share one.</summary>
    public string HeadRowKey => actions[0].Entity.RowKey;

    /// <summary>Payload bytes the operations carry, before the base64 encoding of the request.</summary>
    public int PayloadBytes => payloadBytes;

    /// <summary>The head row's new ETag once the write commits.</summary>
    public Task<ETag> Completion => _completion.Task;

    public void Commit(ETag headETag) => _completion.TrySetResult(headETag);

    public void Fail(Exception exception) => _completion.TrySetException(exception);

    /// <summary>The table refused one of these operations because the journal is no longer at the expected version.</summary>
    public void FailAsStale(RequestFailedException exception) => Fail(new InconsistentStateException(
        $"Journal '{key}' is no longer at {expected}: another activation wrote it (HTTP {exception.Status} {exception.ErrorCode}).",
        "unknown",
        expected.Tag ?? "none",
        exception));
}
