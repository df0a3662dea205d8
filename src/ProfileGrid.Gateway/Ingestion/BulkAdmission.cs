using Microsoft.Extensions.Options;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Lets small requests overtake bulk ones when the gateway is busy. A request's grain calls, their turns and the
/// pushes they cause all run on the thread pool; a bulk request puts hundreds of work items in its queue at once,
/// and a single event (an agent's customer calling in) would start only after all of them. So while the thread pool
/// starts new work late (<see cref="QueueDelayProbe"/> measures it), bulk requests go one at a time, in the order they
/// came: the next goes when the one before it returns, or has held the others for the lease, or a probe finds the
/// queue caught up. Requests with fewer than <see cref="BulkAdmissionOptions.BulkEvents"/> events never wait. The
/// gateway stays busy (one bulk request is always let through), and a bulk request waiting on storage holds the others
/// only for the lease.
/// </summary>
internal sealed class BulkAdmission
{
    private static readonly Task<IDisposable?> GoAtOnce = Task.FromResult<IDisposable?>(null);

    private readonly TimeProvider _clock;
    private readonly IngestionMetrics _metrics;
    private readonly bool _enabled;
    private readonly int _bulkEvents;
    private readonly long _target;
    private readonly long _lease;

    private readonly object _gate = new();
    private readonly Queue<Waiter> _waiting = new();
    private readonly Queue<Slot> _held = new(); // in the order they went; returned ones leave at the next tick
    private int _holding;
    private long _probeSentAt;
    private long _lastDelay;
    private long _lastBulkAt;

    public BulkAdmission(IOptions<BulkAdmissionOptions> options, IngestionMetrics metrics, TimeProvider clock)
    {
        var settings = options.Value;
        _clock = clock;
        _metrics = metrics;
        _enabled = settings.Enabled;
        _bulkEvents = settings.BulkEvents;
        _target = Ticks(settings.QueueDelayTarget);
        _lease = Ticks(settings.Lease);
    }

    /// <summary>How long after the last bulk request the probe keeps measuring.</summary>
    internal static readonly TimeSpan ActiveFor = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether bulk requests came lately (within <see cref="ActiveFor"/>), so the probe has something to measure
    /// for. It measures between them as well: a collection between two bulk requests delays the second's.
    /// </summary>
    public bool Active
    {
        get
        {
            lock (_gate)
            {
                if (_holding > 0 || _waiting.Count > 0 || _clock.GetElapsedTime(_lastBulkAt) < ActiveFor) return true;
                _lastDelay = 0; // the next active spell measures afresh
                _held.Clear(); // nothing is held (_holding is 0): these were all returned, and no tick comes to drop them
                return false;
            }
        }
    }

    /// <summary>
    /// Waits, for a bulk request while the thread pool is behind, until it may go; dispose the slot when its events
    /// are stored. Null (go at once, nothing to dispose) for a request that is not bulk.
    /// </summary>
    public Task<IDisposable?> EnterAsync(int events)
    {
        if (!_enabled || events < _bulkEvents) return GoAtOnce;
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            _lastBulkAt = now;
            if (_waiting.Count == 0 && (_holding == 0 || DelayAt(now) < _target))
                return Task.FromResult<IDisposable?>(Admit(now, now));

            var waiter = new Waiter(now);
            _waiting.Enqueue(waiter);
            return waiter.Task;
        }
    }

    /// <summary>A probe work item was queued to the thread pool.</summary>
    public void ProbeSent() => Volatile.Write(ref _probeSentAt, _clock.GetTimestamp());

    /// <summary>The probe work item started: the thread pool's queue delay is known; if it is short, the next goes.</summary>
    public void ProbeRan()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            _lastDelay = now - _probeSentAt;
            _probeSentAt = 0;
            if (_lastDelay < _target) AdmitNext(now);
        }
    }

    /// <summary>Called about every millisecond while <see cref="Active"/>: slots held for the lease are returned.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = _clock.GetTimestamp();
            while (_held.TryPeek(out var oldest) && (oldest.Returned || now - oldest.Since >= _lease))
            {
                _held.Dequeue();
                if (!oldest.Returned) Return(oldest);
            }

            if (_holding == 0) AdmitNext(now);
        }
    }

    private void Release(Slot slot)
    {
        lock (_gate)
        {
            if (slot.Returned) return;
            Return(slot);
            var now = _clock.GetTimestamp();
            if (_holding == 0 || DelayAt(now) < _target) AdmitNext(now);
        }
    }

    private void Return(Slot slot)
    {
        slot.Returned = true;
        _holding--;
    }

    private void AdmitNext(long now)
    {
        if (_waiting.TryDequeue(out var waiter)) waiter.SetResult(Admit(now, waiter.Since));
    }

    private Slot Admit(long now, long waitingSince)
    {
        var slot = new Slot(this, now);
        _holding++;
        _held.Enqueue(slot);
        _metrics.BulkAdmitted(_clock.GetElapsedTime(waitingSince, now));
        return slot;
    }

    // How late the thread pool starts new work: the last probe's delay, or longer if the probe sent since waits still.
    private long DelayAt(long now)
    {
        var sent = Volatile.Read(ref _probeSentAt);
        return Math.Max(sent == 0 ? 0 : now - sent, _lastDelay);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _clock.TimestampFrequency);

    private sealed class Waiter(long since) : TaskCompletionSource<IDisposable?>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public long Since { get; } = since;
    }

    private sealed class Slot(BulkAdmission admission, long since) : IDisposable
    {
        public long Since { get; } = since;

        public bool Returned { get; set; }

        public void Dispose() => admission.Release(this);
    }
}
