using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ProfileGrid.Destinations;

/// <summary>
/// Keeps every destination's queues being sent: from the moment its silo is active until it stops, pokes each
/// <see cref="IDeliveryQueueGrain"/> of each destination every <see cref="DeliveryOptions.KeepRunningPeriod"/>, which
/// activates (and so resumes) a queue whose silo went away with deliveries still owed, and, while any destination is
/// defined, each reader of the deliveries outbox (<see cref="IDeliveryOutboxGrain"/>), whose rows a silo that went
/// away may have left. No reminder table. It also reads the destinations once as the silo starts, so that the catalog
/// the customers read without waiting is filled.
/// </summary>
internal sealed partial class DeliveryTicker(
    IGrainFactory grains,
    DestinationCatalog destinations,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(DestinationHandOff.OutboxKey)] Storage.IJournalOutbox outbox,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryTicker> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(DeliveryTicker), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public void Dispose() => _stopping.Dispose();

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        // The silo's first customer writes read the catalog without waiting: it is read now, so they owe what they should.
        destinations.Cached();
        try
        {
            await destinations.CurrentAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPokeFailed(logger, exception);
        }

        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.KeepRunningPeriod);
        var partitions = options.Value.Partitions;
        try
        {
            do
            {
                try
                {
                    var current = await destinations.CurrentAsync();
                    var readers = current.Count == 0 ? [] : Enumerable.Range(0, outbox.PartitionCount).Select(partition => grains.GetGrain<IDeliveryOutboxGrain>(partition).Poke());
                    await Task.WhenAll(current.SelectMany(destination => Enumerable.Range(0, partitions)
                        .Select(partition => grains.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(destination.Name, partition)).Poke())).Concat(readers));
                }
                catch (Exception exception) when (!stopping.IsCancellationRequested)
                {
                    LogPokeFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reaching the destinations' queues failed; trying again at the next tick")]
    private static partial void LogPokeFailed(ILogger logger, Exception exception);
}
