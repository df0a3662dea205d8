using System.Diagnostics;
using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// Sends valid events to their customers' grains: one call per customer (shared with other requests' events for it
/// when one is already in flight, <see cref="CustomerCalls"/>), all customers in parallel. Event ids are scoped to
/// the producer (the API key's name), so producers cannot suppress each other's events. It returns only after every
/// grain has stored its events; if any call fails it throws, and the producer retries the whole request (events
/// already stored then count as duplicates). Bulk requests let smaller ones go first while the gateway is behind
/// (<see cref="BulkAdmission"/>).
/// </summary>
internal sealed class EventDispatcher(CustomerCalls customers, IngestionMetrics metrics, BulkAdmission admission)
{
    public async Task<EventsResponse> DispatchAsync(string producer, List<PendingEvent> events, List<EventRejection> rejected)
    {
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

        await (calls is [var only] ? (Task)only : Task.WhenAll(calls));
        metrics.Applied(started);

        int accepted = 0, duplicates = 0;
        for (var g = 0; g < calls.Length; g++)
        {
            var result = calls[g].Result;
            for (var i = 0; i < result.Outcomes.Length; i++)
            {
                switch (result.Outcomes[i])
                {
                    case EventOutcome.Accepted: accepted++; break;
                    case EventOutcome.Duplicate: duplicates++; break;
                    default:
                        var pending = groups[g][i];
                        rejected.Add(new EventRejection(pending.Index, pending.Event.Id, result.Errors[i] ?? "rejected"));
                        break;
                }
            }
        }

        rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return new EventsResponse(accepted, duplicates, rejected);
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
