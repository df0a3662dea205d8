using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using ProfileGrid.Storage;

namespace ProfileGrid.Destinations;

/// <summary>
/// Reads one partition of the customers' deliveries outbox (<see cref="OutboxChannel.Deliveries"/>): the rows each hold
/// what stored writes owe the destinations (<see cref="DestinationHandOff.Record"/>), stored in the same atomic step as
/// the writes. It takes the oldest rows, queues their deliveries (<see cref="IDeliveryQueueGrain.Enqueue"/>, answered
/// once stored) and only then deletes the rows, so a delivery owed by a stored write reaches its queue whatever fails
/// in between: a reader that stops after queuing and before deleting queues the same deliveries again (same ids, which
/// a queue still holding them skips). A customer's rows follow the order of its writes, so its deliveries reach each
/// queue in that order. A write nudges the reader (<see cref="Nudge"/>) once stored; polls every
/// <see cref="DeliveryOptions.OutboxPollPeriod"/> take what a lost nudge left. Reads take turns: a nudge during one has
/// another read follow it.
/// </summary>
[Reentrant]
public sealed partial class DeliveryOutboxGrain(
    [FromKeyedServices(DestinationHandOff.OutboxKey)] IJournalOutbox outbox,
    DestinationHandOff handOff,
    IOptions<DeliveryOptions> options,
    ILogger<DeliveryOutboxGrain> logger) : Grain, IDeliveryOutboxGrain
{
    /// <summary>Rows taken per read (each the writes of one transaction).</summary>
    public const int RowsPerRead = 100;

    private IGrainTimer? _timer;
    private Task _reading = Task.CompletedTask;
    private bool _readAgain;
    // Why the last read failed (null when it did not): a catch-up reports it.
    private Exception? _lastFailure;
    // The deliveries of rows read but not deleted yet that are in their queues: a read that failed part way (one queue
    // did not answer), or a delete that failed, does not queue them again when it takes the same rows next time.
    private readonly HashSet<(string Destination, string Id)> _queued = [];
    // Rows whose deliveries are queued and whose delete is on its way (with their deliveries), and the deletes, one at a time.
    private readonly Dictionary<string, (string Destination, string Id)[]> _deleting = new(StringComparer.Ordinal);
    private Task _deletes = Task.CompletedTask;

    private int Partition => (int)this.GetPrimaryKeyLong();

    public Task Poke()
    {
        _timer ??= this.RegisterGrainTimer(PollAsync, new GrainTimerCreationOptions(TimeSpan.Zero, options.Value.OutboxPollPeriod) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        await Read();
        // With no destination left (none owes anything now), the polls stop until a ticker or a write starts them again.
        if (handOff.Destinations is { Count: 0 } && _reading.IsCompleted && !_readAgain)
        {
            _timer?.Dispose();
            _timer = null;
            DeactivateOnIdle();
        }
    }

    public Task Nudge()
    {
        Poke();
        _ = Read();
        return Task.CompletedTask;
    }

    public async Task CatchUp()
    {
        await Poke();
        await Read();
        if (_lastFailure is { } failure) throw new StorageUnavailableException($"Partition {Partition} of the deliveries outbox could not be read to the end: {failure.Message}", failure);
    }

    /// <summary>Has the partition read after this call: now, or after the read under way.</summary>
    private Task Read()
    {
        _readAgain = true;
        if (_reading.IsCompleted) _reading = ReadWhileAskedAsync();
        return _reading;
    }

    private async Task ReadWhileAskedAsync()
    {
        while (_readAgain)
        {
            _readAgain = false;
            try
            {
                await QueueWaitingAsync();
                _lastFailure = null;
            }
            catch (Exception exception)
            {
                // Nothing is lost: the rows stay until their deliveries are queued, and are taken again at the next poll.
                _lastFailure = exception;
                LogReadFailed(logger, exception, Partition);
                return;
            }
        }
    }

    private async Task QueueWaitingAsync()
    {
        while (true)
        {
            var read = await outbox.ReadOldestAsync(Partition, RowsPerRead);
            // Rows whose deliveries are queued and whose delete is on its way are passed over: the next read need not
            // wait for the delete (one storage round trip less between a write and its delivery under load).
            var rows = read.Where(row => !_deleting.ContainsKey(row.Id)).ToList();
            if (rows.Count == 0)
            {
                if (read.Count < RowsPerRead) return;
                // The oldest rows are all being deleted: the rows after them come once they are.
                await _deletes;
                continue;
            }

            var keys = await QueueAsync(rows);
            var queuedAt = DateTimeOffset.UtcNow;
            foreach (var row in rows)
            {
                _deleting[row.Id] = keys[row.Id];
                DestinationMetrics.OutboxLag(queuedAt - row.WrittenAt);
            }

            _deletes = DeleteAfterAsync(_deletes, rows);
            if (read.Count < RowsPerRead) return;
        }
    }

    /// <summary>Deletes rows whose deliveries are queued, after the deletes before (a failed one leaves them to be read and deleted again).</summary>
    private async Task DeleteAfterAsync(Task previous, List<OutboxRow> rows)
    {
        await previous;
        try
        {
            await outbox.DeleteAsync(Partition, rows);
            // Gone: their deliveries need no guard against being queued twice any more.
            foreach (var row in rows) _queued.ExceptWith(_deleting[row.Id]);
        }
        catch (Exception exception)
        {
            // Read again, and passed over there as queued already (_queued keeps them), then deleted again.
            LogDeleteFailed(logger, exception, Partition, rows.Count);
        }
        finally
        {
            foreach (var row in rows) _deleting.Remove(row.Id);
        }
    }

    /// <summary>Queues the rows' deliveries, oldest first, one call per queue, the queues at once; returns each row's deliveries (by destination and id).</summary>
    private async Task<Dictionary<string, (string Destination, string Id)[]>> QueueAsync(List<OutboxRow> rows)
    {
        var owed = new List<OwedDelivery>();
        var keys = new Dictionary<string, (string Destination, string Id)[]>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var ofRow = new List<OwedDelivery>();
            foreach (var record in row.Records)
            {
                try
                {
                    ofRow.AddRange(handOff.Read(record));
                }
                catch (CorruptStateException exception)
                {
                    // One record that does not read must not hold up every delivery of the partition behind it.
                    DestinationMetrics.NotOwed(1);
                    LogUnreadable(logger, exception, Partition);
                }
            }

            owed.AddRange(ofRow);
            keys[row.Id] = [.. ofRow.Select(delivery => (delivery.Destination, delivery.Delivery.Id))];
        }

        var queues = owed
            .Where(delivery => !_queued.Contains((delivery.Destination, delivery.Delivery.Id)))
            .GroupBy(delivery => IDeliveryQueueGrain.KeyOf(delivery.Destination, options.Value.PartitionOf(delivery.Delivery.CustomerId)), StringComparer.Ordinal)
            .Select(async queue =>
            {
                await GrainFactory.GetGrain<IDeliveryQueueGrain>(queue.Key).Enqueue([.. queue.Select(delivery => delivery.Delivery)]);
                foreach (var delivery in queue) _queued.Add((delivery.Destination, delivery.Delivery.Id));
            })
            .ToList();
        await Task.WhenAll(queues);
        return keys;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting {Count} rows of partition {Partition} of the deliveries outbox failed; they are read and deleted again (their deliveries are queued once)")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, int partition, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading partition {Partition} of the deliveries outbox failed; its rows are taken again at the next poll")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, int partition);

    [LoggerMessage(Level = LogLevel.Error, Message = "A record in partition {Partition} of the deliveries outbox does not read back; its deliveries are not sent")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, int partition);
}
