using System.Collections.Concurrent;
using ProfileGrid.Events;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Calls customer grains so that concurrent requests for one customer share a grain call. While a call to a
/// customer is in flight, the events later requests bring for it wait here, and go together in the next call once
/// it returns, in the order they arrived (events of different producers never share a call, since the producer
/// scopes event ids). Each request is answered with its own events' outcomes, after the write that stored them:
/// the grain's group commit (<c>GroupCommit</c>) does the same for calls that reach it, and this saves the calls
/// themselves, which for a hot customer are most of what an event costs (a message, a turn, a write and its answer).
/// A call that fails fails every request that shared it (they retry, and find what was stored as duplicates).
/// </summary>
/// <remarks>
/// A call to a customer with none in flight goes at once while the gateway is idle, and always for a request with
/// events for several customers. For a request for one customer while the gateway is busy (the thread pool has
/// work waiting: requests being read, some perhaps for the same customer), the call goes from a work item queued
/// behind that work instead, and the requests for the customer that reach here meanwhile go with it. A
/// memory-stored hot customer answers a call before the next request is read, so without this nearly every event
/// was a call of its own (1 event per write at the median, 2 at p95, in one session); with it 3 at the median and
/// 15 at p95. The wait is the work already queued, which the request would otherwise have waited for in the grain's
/// answer. When a shared call returns, the next one goes before its requests are answered, and the answers run
/// their requests on the returning thread (<see cref="Waiter"/>). Measured side by side with the Orleans floor in
/// one session (one hot customer, single events, 16 connections): both together took ProfileGrid from 0.92-0.98 of
/// the floor to 0.99-1.08, the first alone to 0.92-0.97; single events over 1,000 customers, where calls rarely
/// meet, within 3% of calling at once. A first version deferred every call of a batch for many customers as well,
/// a work item per customer: in its full run, batches over 100,000 customers measured 0.56 (memory) and 0.49
/// (Azurite) of their references, against 0.64 and 0.74 the run before (the machine ran twice as fast that hour,
/// so not all of the drop need be its).
/// </remarks>
internal sealed class CustomerCalls
{
    /// <summary>The most events a shared call carries: as many as one request may.</summary>
    internal const int MaxEventsPerCall = EventLimits.MaxBatchEvents;

    private readonly CustomerGrains _customers;
    private readonly Func<bool> _busy;
    private readonly Action<Action> _defer;
    // A lane per customer with a call in flight; removed when its last call returns with nothing waiting.
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private int _waiting;

    public CustomerCalls(CustomerGrains customers)
        : this(customers, static () => ThreadPool.PendingWorkItemCount > 0, DeferBehindQueuedWork)
    {
    }

    /// <summary>
    /// Runs <paramref name="call"/> from the back of the thread pool's global queue, in the caller's execution
    /// context: the call stays in the request's trace and carries its Orleans request context.
    /// </summary>
    internal static void DeferBehindQueuedWork(Action call) => ThreadPool.QueueUserWorkItem(static run => run(), call, preferLocal: false);

    /// <param name="customers">The grains.</param>
    /// <param name="busy">Whether the gateway has work waiting that a first call should go behind.</param>
    /// <param name="defer">Runs a first call after the work waiting now, in the caller's execution context.</param>
    internal CustomerCalls(CustomerGrains customers, Func<bool> busy, Action<Action> defer) =>
        (_customers, _busy, _defer) = (customers, busy, defer);

    /// <summary>Requests waiting for a customer's call to go, so that theirs go with it or after it.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Applies a producer's events to one customer; completes once they are stored.</summary>
    /// <param name="customerKey">The customer.</param>
    /// <param name="producer">The producer that sent the events (it scopes their ids).</param>
    /// <param name="events">The events.</param>
    /// <param name="alone">
    /// Whether this is the request's only call. A request for many customers calls them all at once: its calls
    /// rarely meet other requests' for the same customer, and deferring each would cost a work item per customer.
    /// </param>
    public Task<ApplyEventsResult> ApplyAsync(string customerKey, string producer, CustomerEvent[] events, bool alone)
    {
        while (true)
        {
            var lane = _lanes.GetOrAdd(customerKey, static _ => new Lane());
            lock (lane)
            {
                if (lane.Retired) continue;
                if (lane.InFlight)
                {
                    Interlocked.Increment(ref _waiting);
                    return lane.Wait(producer, events);
                }

                lane.InFlight = true;
                if (alone && _busy())
                {
                    // The lane counts as in flight from now: requests for the customer join this call until it goes.
                    Interlocked.Increment(ref _waiting);
                    var answer = lane.Wait(producer, events);
                    _defer(() => Next(customerKey, lane));
                    return answer;
                }
            }

            return CallAsync(customerKey, lane, producer, events);
        }
    }

    private async Task<ApplyEventsResult> CallAsync(string customerKey, Lane lane, string producer, CustomerEvent[] events)
    {
        try
        {
            return await _customers.Get(customerKey).ApplyEvents(producer, events);
        }
        finally
        {
            Next(customerKey, lane);
        }
    }

    /// <summary>The call in flight returned, or a deferred first call is due: sends what waited as one call, or retires the lane.</summary>
    private void Next(string customerKey, Lane lane)
    {
        List<Waiter>? group;
        lock (lane)
        {
            group = lane.TakeGroup();
            if (group is null)
            {
                lane.InFlight = false;
                lane.Retired = true;
                _lanes.TryRemove(new KeyValuePair<string, Lane>(customerKey, lane));
                return;
            }
        }

        Interlocked.Add(ref _waiting, -group.Count);
        _ = SharedCallAsync(customerKey, lane, group);
    }

    private async Task SharedCallAsync(string customerKey, Lane lane, List<Waiter> group)
    {
        ApplyEventsResult? result = null;
        Exception? failure = null;
        try
        {
            result = await _customers.Get(customerKey).ApplyEvents(group[0].Producer, group is [var only] ? only.Events : Joined(group));
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        // The next call goes before these answers, which run their requests on here (see Waiter).
        Next(customerKey, lane);
        var offset = 0;
        foreach (var waiter in group)
        {
            if (failure is not null) waiter.Answer.SetException(failure);
            else if (group.Count == 1) waiter.Answer.SetResult(result!);
            else
            {
                var count = waiter.Events.Length;
                waiter.Answer.SetResult(new ApplyEventsResult(
                    result!.Outcomes.AsSpan(offset, count).ToArray(), result.Errors.AsSpan(offset, count).ToArray(), result.Seq));
                offset += count;
            }
        }
    }

    private static CustomerEvent[] Joined(List<Waiter> group)
    {
        var events = new CustomerEvent[group.Sum(static waiter => waiter.Events.Length)];
        var offset = 0;
        foreach (var waiter in group)
        {
            waiter.Events.CopyTo(events, offset);
            offset += waiter.Events.Length;
        }

        return events;
    }

    /// <summary>
    /// A request waiting for a call. Its answer runs the rest of the request on the thread that sets it (writing the
    /// response), one waiter after another, instead of queuing a work item each: every work item may wake a thread
    /// of the pool, and waking threads was a large part of the kernel time a hot customer's events cost.
    /// </summary>
    private sealed class Waiter(string producer, CustomerEvent[] events)
    {
        public string Producer => producer;

        public CustomerEvent[] Events => events;

        public TaskCompletionSource<ApplyEventsResult> Answer { get; } = new();
    }

    /// <summary>One customer's calls: whether one is in flight, and the requests waiting for the next. Guarded by its own lock.</summary>
    private sealed class Lane
    {
        private readonly Queue<Waiter> _waiting = new();

        public bool InFlight { get; set; }

        /// <summary>Removed from the lanes: a request that still finds it takes a new one.</summary>
        public bool Retired { get; set; }

        public Task<ApplyEventsResult> Wait(string producer, CustomerEvent[] events)
        {
            var waiter = new Waiter(producer, events);
            _waiting.Enqueue(waiter);
            return waiter.Answer.Task;
        }

        /// <summary>The waiting requests the next call carries: the oldest, and those after it from the same producer, up to the limit.</summary>
        public List<Waiter>? TakeGroup()
        {
            if (!_waiting.TryPeek(out var first)) return null;
            var group = new List<Waiter>();
            var events = 0;
            while (_waiting.TryPeek(out var next) && next.Producer == first.Producer
                   && (group.Count == 0 || events + next.Events.Length <= MaxEventsPerCall))
            {
                group.Add(_waiting.Dequeue());
                events += next.Events.Length;
            }

            return group;
        }
    }
}
