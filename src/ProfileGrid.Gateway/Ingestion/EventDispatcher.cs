using System.Diagnostics;
using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Sends valid events to their customers' grains: one call per customer (shared with other requests' events for it
/// when one is already in flight, <see cref="CustomerCalls"/>), all customers in parallel. Event ids are scoped to
/// the producer (the API key's name), so producers cannot suppress each other's events. It returns only after every
/// grain has stored its events. If a call fails it throws: the call's own exception when nothing was stored, else a
/// <see cref="PartlyStoredException"/> that says which events were stored; either way the producer may retry the
/// whole request (events already stored then count as duplicates). Bulk requests let smaller ones go first while
/// the gateway is behind (<see cref="BulkAdmission"/>), and imports give way while live requests come (<see cref="LiveTraffic"/>).
/// </summary>
internal sealed class EventDispatcher(CustomerCalls customers, IngestionMetrics metrics, BulkAdmission admission, LiveTraffic live)
{
    public async Task<EventsResponse> DispatchAsync(string producer, List<PendingEvent> events, List<EventRejection> rejected)
    {
        live.Seen();
        // A single event (the common request) needs no grouping.
        var byCustomer = events is [_] ? null : ByCustomer(events);
        using var slot = await admission.EnterAsync(events.Count);
        var started = Stopwatch.GetTimestamp();
        var count = byCustomer?.Count ?? 1;
        var calls = new Task<ApplyEventsResult>[count];
        var groups = new List<PendingEvent>[count];
        if (byCustomer is null)
        {
            groups[0] = events;
            calls[0] = customers.ApplyAsync(events[0].CustomerKey, producer, [events[0].Event], alone: true);
        }
        else
        {
            var next = 0;
            foreach (var (customerKey, group) in byCustomer)
            {
                var batch = new CustomerEvent[group.Count];
                for (var i = 0; i < batch.Length; i++) batch[i] = group[i].Event;
                groups[next] = group;
                calls[next++] = customers.ApplyAsync(customerKey, producer, batch, alone: count == 1);
            }
        }

        try
        {
            await (calls is [var only] ? (Task)only : Task.WhenAll(calls));
        }
        catch (Exception failure) when (Array.Exists(calls, static call => call.IsCompletedSuccessfully))
        {
            // Every call has ended (WhenAll waits for all): those that returned stored their events.
            List<StoredEvent> stored = [];
            List<UnstoredEvent> notStored = [];
            Tally(calls, groups, rejected, stored, notStored);
            throw new PartlyStoredException(stored, notStored, rejected, failure);
        }

        metrics.Applied(started);
        var (accepted, duplicates) = Tally(calls, groups, rejected, stored: null, notStored: null);
        rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return new EventsResponse(accepted, duplicates, rejected);
    }

    /// <summary>
    /// Counts the outcomes of the calls that returned and adds the events their customers refused to
    /// <paramref name="rejected"/>; for a request that failed part-way, also lists each event stored and not stored.
    /// </summary>
    private static (int Accepted, int Duplicates) Tally(
        Task<ApplyEventsResult>[] calls, List<PendingEvent>[] groups, List<EventRejection> rejected, List<StoredEvent>? stored, List<UnstoredEvent>? notStored)
    {
        int accepted = 0, duplicates = 0;
        for (var g = 0; g < calls.Length; g++)
        {
            if (!calls[g].IsCompletedSuccessfully)
            {
                foreach (var pending in groups[g]) notStored!.Add(new UnstoredEvent(pending.Index, pending.Event.Id));
                continue;
            }

            var result = calls[g].Result;
            for (var i = 0; i < result.Outcomes.Length; i++)
            {
                switch (result.Outcomes[i])
                {
                    case EventOutcome.Accepted:
                        accepted++;
                        stored?.Add(new StoredEvent(groups[g][i].Index, groups[g][i].Event.Id, StoredEvent.Accepted));
                        break;
                    case EventOutcome.Duplicate:
                        duplicates++;
                        stored?.Add(new StoredEvent(groups[g][i].Index, groups[g][i].Event.Id, StoredEvent.Duplicate));
                        break;
                    default:
                        var pending = groups[g][i];
                        rejected.Add(new EventRejection(pending.Index, pending.Event.Id, result.Errors[i] ?? "rejected"));
                        break;
                }
            }
        }

        return (accepted, duplicates);
    }

    /// <summary>The events grouped by customer, in the order each customer first appears.</summary>
    private static Dictionary<string, List<PendingEvent>> ByCustomer(List<PendingEvent> events)
    {
        var byCustomer = new Dictionary<string, List<PendingEvent>>(StringComparer.Ordinal);
        foreach (var pending in events)
        {
            if (!byCustomer.TryGetValue(pending.CustomerKey, out var group))
            {
                group = new List<PendingEvent>(1);
                byCustomer.Add(pending.CustomerKey, group);
            }

            group.Add(pending);
        }

        return byCustomer;
    }
}
