namespace ProfileGrid.Storage;

/// <summary>
/// The outboxes a journal write can leave a record in, each read and emptied by its own reader: what one has passed on
/// says nothing of the other. Both are stored in the same atomic step as the write that carries them.
/// </summary>
public enum OutboxChannel
{
    /// <summary>The archive's (<see cref="JournalWrite.Outbox"/>).</summary>
    Archive,

    /// <summary>What a write owes the destinations (<see cref="JournalWrite.Deliveries"/>).</summary>
    Deliveries,
}

/// <summary>A journal storage's outboxes, one per <see cref="OutboxChannel"/>.</summary>
public interface IJournalOutboxChannels
{
    /// <summary>The outbox of <paramref name="channel"/>; rows read or deleted there are that channel's only.</summary>
    IJournalOutbox Outbox(OutboxChannel channel);
}

public static class OutboxChannels
{
    /// <summary>
    /// The key a journal storage named <paramref name="storage"/> registers <paramref name="channel"/>'s
    /// <see cref="IJournalOutbox"/> under: the storage's own name for the archive's (as ever), a name of its own for another.
    /// </summary>
    public static string ServiceKey(string storage, OutboxChannel channel) =>
        channel == OutboxChannel.Archive ? storage : $"{storage}/outbox/{channel.ToString().ToLowerInvariant()}";
}
