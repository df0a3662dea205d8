using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Destinations;

/// <summary>
/// What a customer grain needs to owe deliveries: the destinations as cached (never a wait), the record a write stores
/// in the deliveries outbox (<see cref="JournalWrite.Deliveries"/>: what it owes, in the same atomic step as the write),
/// and the nudge that has the outbox partition's reader (<see cref="IDeliveryOutboxGrain"/>) take it to the queues at
/// once. Nudges for one partition share a call while one is on its way: a busy partition costs one call per round trip,
/// not one per write.
/// </summary>
public sealed partial class DestinationHandOff(
    DestinationCatalog catalog,
    Microsoft.Extensions.Options.IOptions<DeliveryOptions> options,
    Serializer serializer,
    IGrainFactory grains,
    [FromKeyedServices(DestinationHandOff.OutboxKey)] IJournalOutbox outbox,
    ILogger<DestinationHandOff> logger)
{
    /// <summary>The key the customers' deliveries outbox is registered under.</summary>
    public const string OutboxKey = StorageNames.Customers + "/outbox/deliveries";

    private readonly Lock _gate = new();
    // Per partition: a nudge waiting to be sent, and whether a call is on its way.
    private readonly bool[] _waiting = new bool[outbox.PartitionCount];
    private readonly bool[] _sending = new bool[outbox.PartitionCount];

    internal IReadOnlyList<Destination>? Destinations => catalog.Cached();

    /// <summary>The record of what a write owes: <paramref name="owed"/>, serialized; empty when past <see cref="JournalVersion.MaxDeliveriesBytes"/>.</summary>
    internal ReadOnlyMemory<byte> Record(string customerId, long seq, List<OwedDelivery> owed)
    {
        var record = serializer.SerializeToArray(owed.ToArray());
        if (record.Length <= JournalVersion.MaxDeliveriesBytes) return record;
        // Never a refused write: a destination must not cost a producer an event.
        DestinationMetrics.NotOwed(owed.Count);
        LogTooLarge(logger, customerId, seq, owed.Count, record.Length, JournalVersion.MaxDeliveriesBytes);
        return default;
    }

    /// <summary>The deliveries a record holds, in the order owed.</summary>
    /// <exception cref="CorruptStateException">The record does not read back.</exception>
    internal OwedDelivery[] Read(byte[] record)
    {
        try
        {
            return serializer.Deserialize<OwedDelivery[]>(record) ?? [];
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            throw new CorruptStateException($"A deliveries record of {record.Length} bytes does not read back: {exception.Message}", exception);
        }
    }

    /// <summary>Has the reader of <paramref name="customerId"/>'s outbox partition read it after this call: a write stored before it is taken to the queues.</summary>
    internal void Nudge(string customerId)
    {
        var partition = outbox.PartitionOf(customerId);
        lock (_gate)
        {
            _waiting[partition] = true;
            if (_sending[partition]) return;
            _sending[partition] = true;
        }

        _ = Task.Run(() => SendNudgesAsync(partition));
    }

    // One call at a time per partition; a nudge that came while it was on its way is sent after it (the reader must
    // read after the write that nudged was stored, and a call already sent may have been read before).
    private async Task SendNudgesAsync(int partition)
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_waiting[partition])
                {
                    _sending[partition] = false;
                    return;
                }

                _waiting[partition] = false;
            }

            try
            {
                await grains.GetGrain<IDeliveryOutboxGrain>(partition).Nudge();
            }
            catch (Exception exception)
            {
                // The reader's polls take what the nudge was for, a little later.
                LogNudgeFailed(logger, exception, partition);
            }
        }
    }

    /// <summary>
    /// An erasure's part here: once every outbox row of <paramref name="customers"/> (the erased customer and the profiles
    /// merged into it) is in the queues, drops what the queues and the dead letters of every destination hold about
    /// them. Nothing is owed about them after the erasure's tombstone, so nothing comes back. Throws if a step fails (the
    /// erasure stays open and is done again).
    /// </summary>
    internal async Task ForgetAsync(string[] customers)
    {
        await Task.WhenAll(customers.Select(outbox.PartitionOf).Distinct().Select(partition => grains.GetGrain<IDeliveryOutboxGrain>(partition).CatchUp()));
        var destinations = await catalog.CurrentAsync();
        // The dead letters first as well: a redelivery under way then has put its letters in the queues (the dead
        // letters take one call at a time), where the next step finds them; none is redelivered after it.
        await Task.WhenAll(destinations.Select(destination => grains.GetGrain<IDeadLetterGrain>(destination.Name).Forget(customers)));
        await Task.WhenAll(destinations.SelectMany(destination => customers
            .GroupBy(options.Value.PartitionOf)
            .Select(queue => grains.GetGrain<IDeliveryQueueGrain>(IDeliveryQueueGrain.KeyOf(destination.Name, queue.Key)).Forget([.. queue]))));
        // After the queues: a head whose attempts had ended when they were told is a dead letter by now.
        await Task.WhenAll(destinations.Select(destination => grains.GetGrain<IDeadLetterGrain>(destination.Name).Forget(customers)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer {CustomerId}'s write {Seq} owes {Count} deliveries in {Bytes} bytes, past the {Max} a write's record holds; none are sent for it")]
    private static partial void LogTooLarge(ILogger logger, string customerId, long seq, int count, int bytes, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Nudging the deliveries outbox reader of partition {Partition} failed; its next poll takes what is waiting")]
    private static partial void LogNudgeFailed(ILogger logger, Exception exception, int partition);
}
