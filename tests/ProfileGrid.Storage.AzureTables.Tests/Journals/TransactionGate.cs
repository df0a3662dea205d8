using Azure.Core;
using Azure.Core.Pipeline;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>
/// A client pipeline policy that holds writes (entity-group transactions and single-row writes; reads pass) while
/// closed, so a test can queue writes behind a request in flight and know exactly what the next request carries.
/// </summary>
internal sealed class TransactionGate : HttpPipelinePolicy
{
    private TaskCompletionSource _open = NewGate();

    public TransactionGate() => Open();

    public void Close() => _open = NewGate();

    public void Open() => _open.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The journal storage only sends asynchronously.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method != RequestMethod.Get)
        {
            await _open.Task;
        }

        await ProcessNextAsync(message, pipeline);
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
