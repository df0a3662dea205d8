namespace ProfileGrid.Destinations;

/// <summary>
/// What one queue did since its activation, in memory only (<see cref="QueueStatus"/> says what is lost when it
/// moves): counts, the last error, the latencies, whether its head is being retried, and a ring of the last
/// <see cref="Capacity"/> finished deliveries, so people can see which customers' destinations were told what. Locked:
/// the sender reports failed attempts from wherever its retries run.
/// </summary>
public sealed class DeliveryLog(DateTimeOffset since)
{
    public const int Capacity = 256;

    private readonly Lock _lock = new();
    private readonly DeliveryRecord[] _ring = new DeliveryRecord[Capacity];
    private readonly long[] _latencies = new long[DeliveryLatencies.Bounds.Length + 1];
    private int _next;
    private int _count;
    private long _delivered;
    private long _failedAttempts;
    private long _deadLettered;
    private DeliveryError? _lastError;
    private TimeSpan _slowest;
    private string? _retrying;
    private int _headAttempts;

    /// <summary>An attempt at <paramref name="delivery"/> (the queue's head) failed with <paramref name="error"/>; it will be retried unless too old.</summary>
    public void AttemptFailed(Delivery delivery, string error, DateTimeOffset at)
    {
        lock (_lock)
        {
            _failedAttempts++;
            _lastError = new DeliveryError(error, at);
            if (_retrying != delivery.Id) (_retrying, _headAttempts) = (delivery.Id, 0);
            _headAttempts++;
        }
    }

    public void Delivered(Delivery delivery, int attempts, DateTimeOffset at)
    {
        var latency = at - delivery.QueuedAt;
        if (latency < TimeSpan.Zero) latency = TimeSpan.Zero;
        lock (_lock)
        {
            _delivered++;
            _latencies[DeliveryLatencies.BucketOf(latency)]++;
            if (latency > _slowest) _slowest = latency;
            Finish(new DeliveryRecord(delivery.Id, delivery.CustomerId, delivery.Type, delivery.QueuedAt, at, DeliveryState.Delivered, attempts));
        }
    }

    /// <summary>Given up on after <paramref name="attempts"/> (0: its queue was full), with <paramref name="error"/>.</summary>
    public void DeadLettered(Delivery delivery, int attempts, string error, DateTimeOffset at)
    {
        lock (_lock)
        {
            _deadLettered++;
            _lastError = new DeliveryError(error, at);
            Finish(new DeliveryRecord(delivery.Id, delivery.CustomerId, delivery.Type, delivery.QueuedAt, at, DeliveryState.DeadLettered, attempts));
        }
    }

    public QueueStatus Status(int depth)
    {
        lock (_lock)
        {
            return new QueueStatus(depth, since, _delivered, _failedAttempts, _retrying is not null, _deadLettered, _lastError,
                new DeliveryLatencies([.. _latencies], _slowest));
        }
    }

    /// <summary>
    /// <paramref name="customerId"/>'s deliveries, newest first, at most <paramref name="limit"/>: those still waiting in
    /// <paramref name="queue"/> (in the order queued; the head being retried marked so), then the finished ones the ring holds.
    /// </summary>
    public DeliveryRecord[] Told(string customerId, IReadOnlyList<Delivery> queue, int limit)
    {
        lock (_lock)
        {
            var told = new List<DeliveryRecord>();
            for (var i = queue.Count - 1; i >= 0 && told.Count < limit; i--)
            {
                var waiting = queue[i];
                if (!string.Equals(waiting.CustomerId, customerId, StringComparison.Ordinal)) continue;
                var retrying = i == 0 && _retrying == waiting.Id;
                told.Add(new DeliveryRecord(waiting.Id, waiting.CustomerId, waiting.Type, waiting.QueuedAt, null,
                    retrying ? DeliveryState.Retrying : DeliveryState.Pending, retrying ? _headAttempts : 0));
            }

            for (var back = 1; back <= _count && told.Count < limit; back++)
            {
                var finished = _ring[(_next - back + Capacity) % Capacity];
                if (string.Equals(finished.CustomerId, customerId, StringComparison.Ordinal)) told.Add(finished);
            }

            return [.. told];
        }
    }

    /// <summary>Forgets the finished deliveries about <paramref name="customers"/> (they were erased); the counts keep them.</summary>
    public void Forget(IReadOnlySet<string> customers)
    {
        lock (_lock)
        {
            var kept = Enumerable.Range(0, _count).Select(back => _ring[(_next - _count + back + Capacity) % Capacity])
                .Where(record => !customers.Contains(record.CustomerId)).ToList();
            Array.Clear(_ring);
            for (var i = 0; i < kept.Count; i++) _ring[i] = kept[i];
            (_next, _count) = (kept.Count % Capacity, kept.Count);
        }
    }

    private void Finish(DeliveryRecord record)
    {
        if (_retrying == record.Id) (_retrying, _headAttempts) = (null, 0);
        _ring[_next] = record;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }
}
