using Microsoft.Extensions.Logging;

namespace ProfileGrid.Destinations;

/// <summary>
/// One customer's hand-off of owed deliveries to the destinations' queues, after the write that owes them is stored
/// and without holding up its callers (a 202 never waits on a destination). Hand-offs leave in order, one destination
/// batch at a time, so a customer's deliveries reach each queue in the order of its writes; each is tried a few times.
/// One that still fails is logged and counted (<c>profilegrid.destinations.handoff_failed</c>), not sent:
/// docs/destinations.md says when that can happen. Single-threaded like the grain that owns it.
/// </summary>
internal sealed partial class CustomerDeliveries(string customerId, IGrainFactory grains, int partitions, ILogger logger)
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly List<OwedDelivery> _pending = [];
    private Task? _sending;

    public bool Idle => _sending is null || _sending.IsCompleted;

    /// <summary>Completes once everything handed so far has been queued or given up on.</summary>
    public Task Settled() => _sending ?? Task.CompletedTask;

    public void Hand(IReadOnlyList<OwedDelivery> owed)
    {
        if (owed.Count == 0) return;
        _pending.AddRange(owed);
        if (Idle) _sending = SendAsync();
    }

    private async Task SendAsync()
    {
        var partition = Storage.JournalPartitions.Of(customerId, partitions);
        while (_pending.Count > 0)
        {
            var batch = _pending.ToArray();
            _pending.Clear();
            foreach (var destination in batch.GroupBy(owed => owed.Destination, StringComparer.Ordinal))
            {
                var queue = grains.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(destination.Key, partition));
                Delivery[] deliveries = [.. destination.Select(owed => owed.Delivery)];
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await queue.Enqueue(deliveries);
                        break;
                    }
                    catch (Exception) when (attempt < MaxAttempts)
                    {
                        await Task.Delay(RetryDelay * attempt);
                    }
                    catch (Exception exception)
                    {
                        DestinationMetrics.HandOffFailed(destination.Key, deliveries.Length);
                        LogHandOffFailed(logger, exception, customerId, destination.Key, deliveries.Length, MaxAttempts);
                        break;
                    }
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer {CustomerId} could not queue {Count} deliveries for destination {Destination} in {Attempts} tries; they are not sent")]
    private static partial void LogHandOffFailed(ILogger logger, Exception exception, string customerId, string destination, int count, int attempts);
}
