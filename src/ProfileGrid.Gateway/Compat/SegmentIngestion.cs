using ProfileGrid.Customers;
using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Compat;

/// <summary>
/// Applies a Segment call's messages: identifies and aliases (traits, links, merges) in the order sent, then the events, one
/// grain call per customer as native events go. Returns once everything valid is stored; a message that breaks a
/// rule, or an identify refused because an identifier is another customer's, is listed with why.
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

        foreach (var identify in identifies)
        {
            var outcome = identify switch
            {
                AliasAction alias => await identification.AliasAsync(alias.CustomerId, alias.PreviousId, new TraitPatch([], [], producer)),
                IdentifyAction named => await identification.IdentifyAsync(named.CustomerId, named.Anonymous, [], named.Patch with { By = producer }),
                _ => throw new InvalidOperationException($"Unexpected action {identify.GetType().Name}."),
            };
            if (outcome.Conflict is { } conflict) rejected.Add(new EventRejection(identify.Index, identify.MessageId, conflict));
        }

        if (events.Count > 0) await dispatcher.DispatchAsync(producer, events, rejected);
        rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return new SegmentResponse(true, messages.Count - rejected.Count, rejected);
    }
}
