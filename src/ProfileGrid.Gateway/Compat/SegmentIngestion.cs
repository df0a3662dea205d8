using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Compat;

/// <summary>
/// Applies a Segment call's messages: identifies and aliases (traits, links, merges) in the order sent, then the events, one
/// grain call per customer as native events go. Returns once everything valid is stored, counting what this call
/// stored (<c>applied</c>) apart from events stored before under their messageId (<c>duplicates</c>); a message that
/// breaks a rule, or an identify refused because an identifier is another customer's, is listed with why. If a call
/// fails after something was stored, it throws a <see cref="PartlyStoredException"/> that says what was.
/// </summary>
internal sealed class SegmentIngestion(EventDispatcher dispatcher, Identification identification)
{
    public async Task<SegmentResponse> ApplyAsync(string producer, List<SegmentMessage> messages, DateTimeOffset? sentAt, DateTimeOffset receivedAt)
    {
        var rejected = new List<EventRejection>();
        var events = new List<PendingEvent>();
        var identifies = new List<SegmentAction>();
        foreach (var message in messages)
        {
            if (!SegmentMessages.TryRead(message, sentAt, receivedAt, out var action, out var messageId, out var error))
            {
                rejected.Add(new EventRejection(message.Index, messageId.Length == 0 ? null : messageId, error));
                continue;
            }

            if (action is EventAction { Event: var pending }) events.Add(pending);
            else if (action is not null) identifies.Add(action);
        }

        List<StoredEvent> identified = [];
        for (var next = 0; next < identifies.Count; next++)
        {
            var identify = identifies[next];
            IdentifyOutcome outcome;
            try
            {
                outcome = identify switch
                {
                    AliasAction alias => await identification.AliasAsync(alias.CustomerId, alias.PreviousId, new TraitPatch([], [], producer)),
                    IdentifyAction named => await identification.IdentifyAsync(named.CustomerId, named.Anonymous, [], named.Patch with { By = producer }),
                    _ => throw new InvalidOperationException($"Unexpected action {identify.GetType().Name}."),
                };
            }
            catch (Exception failure) when (identified.Count > 0)
            {
                throw new PartlyStoredException(identified, [.. identifies[next..].Select(Unstored), .. events.Select(Unstored)], rejected, failure);
            }

            if (outcome.Conflict is { } conflict) rejected.Add(new EventRejection(identify.Index, identify.MessageId, conflict));
            else identified.Add(new StoredEvent(identify.Index, identify.MessageId, StoredEvent.Accepted));
        }

        var (accepted, duplicates) = (0, 0);
        if (events.Count > 0)
        {
            try
            {
                var stored = await dispatcher.DispatchAsync(producer, events, rejected);
                (accepted, duplicates) = (stored.Accepted, stored.Duplicates);
            }
            catch (PartlyStoredException partial) when (identified.Count > 0)
            {
                throw partial.With(identified);
            }
            catch (Exception failure) when (failure is not PartlyStoredException && identified.Count > 0)
            {
                throw new PartlyStoredException(identified, [.. events.Select(Unstored)], rejected, failure);
            }
        }

        rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return new SegmentResponse(true, identified.Count + accepted, duplicates, rejected);
    }

    private static UnstoredEvent Unstored(SegmentAction action) => new(action.Index, action.MessageId);

    private static UnstoredEvent Unstored(PendingEvent pending) => new(pending.Index, pending.Event.Id);
}
