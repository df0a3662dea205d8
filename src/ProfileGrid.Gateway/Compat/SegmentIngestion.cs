using ProfileGrid.Gateway.Ingestion;

namespace ProfileGrid.Gateway.Compat;

/// <summary>
/// Applies a Segment call's messages: identifies (traits, links, merges) in the order sent, then the events, one
/// grain call per customer as native events go. Returns once everything valid is stored, counting what this call
/// stored (<c>applied</c>) apart from events stored before under their messageId (<c>duplicates</c>); a message that
/// breaks a rule, or an identify refused because an identifier is another customer's, is listed with why.
/// </summary>
internal sealed class SegmentIngestion(EventDispatcher dispatcher, Identification identification)
{
    public async Task<SegmentResponse> ApplyAsync(string producer, List<SegmentMessage> messages, DateTimeOffset? sentAt, DateTimeOffset receivedAt)
    {
        var rejected = new List<EventRejection>();
        var events = new List<PendingEvent>();
        var identifies = new List<IdentifyAction>();
        foreach (var message in messages)
        {
            if (!SegmentMessages.TryRead(message, sentAt, receivedAt, out var action, out var messageId, out var error))
            {
                rejected.Add(new EventRejection(message.Index, messageId.Length == 0 ? null : messageId, error));
                continue;
            }

            if (action is EventAction { Event: var pending }) events.Add(pending);
            else if (action is IdentifyAction identify) identifies.Add(identify);
        }

        var applied = 0;
        foreach (var identify in identifies)
        {
            var outcome = await identification.IdentifyAsync(identify.CustomerId, identify.Anonymous, [], identify.Patch with { By = producer });
            if (outcome.Conflict is { } conflict) rejected.Add(new EventRejection(identify.Index, identify.MessageId, conflict));
            else applied++;
        }

        var duplicates = 0;
        if (events.Count > 0)
        {
            var stored = await dispatcher.DispatchAsync(producer, events, rejected);
            (applied, duplicates) = (applied + stored.Accepted, stored.Duplicates);
        }

        rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return new SegmentResponse(true, applied, duplicates, rejected);
    }
}
