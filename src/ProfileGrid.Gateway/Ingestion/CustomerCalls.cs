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
internal sealed class CustomerCalls(CustomerGrains customers)
{
    /// <summary>The most events a shared call carries: as many as one request may.</summary>
    internal const int MaxEventsPerCall = EventLimits.MaxBatchEvents;

    // A lane per customer with a call in flight; removed when its last call returns with nothing waiting.
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private int _waiting;

    /// <summary>Requests waiting for a customer's call in flight to return, so that theirs can go.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Applies a producer's events to one customer; completes once they are stored.</summary>
    public Task<ApplyEventsResult> ApplyAsync(string customerKey, string producer, CustomerEvent[] events)
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
            }

            return CallAsync(customerKey, lane, producer, events);
        }
    }

    private async Task<ApplyEventsResult> CallAsync(string customerKey, Lane lane, string producer, CustomerEvent[] events)
    {
        try
        {
            return await customers.Get(customerKey).ApplyEvents(producer, events);
        }
        finally
        {
            Next(customerKey, lane);
        }
    }

    /// <summary>The call in flight returned: sends what waited meanwhile as one call, or retires the lane.</summary>
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
        try
        {
            if (group is [var only])
            {
                only.Answer.SetResult(await customers.Get(customerKey).ApplyEvents(only.Producer, only.Events));
                return;
            }

            var events = new CustomerEvent[group.Sum(static waiter => waiter.Events.Length)];
            var offset = 0;
            foreach (var waiter in group)
            {
                waiter.Events.CopyTo(events, offset);
                offset += waiter.Events.Length;
            }

            var result = await customers.Get(customerKey).ApplyEvents(group[0].Producer, events);
            offset = 0;
            foreach (var waiter in group)
            {
                var count = waiter.Events.Length;
                waiter.Answer.SetResult(new ApplyEventsResult(
                    result.Outcomes.AsSpan(offset, count).ToArray(), result.Errors.AsSpan(offset, count).ToArray(), result.Seq));
                offset += count;
            }
        }
        catch (Exception exception)
        {
            foreach (var waiter in group) waiter.Answer.TrySetException(exception);
        }
        finally
        {
            Next(customerKey, lane);
        }
    }

    private sealed class Waiter(string producer, CustomerEvent[] events)
    {
        public string Producer => producer;

        public CustomerEvent[] Events => events;

        public TaskCompletionSource<ApplyEventsResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
