namespace ProfileGrid.Segments.Members;

/// <summary>
/// What an announcement does to the member set, given what the set holds for its customer: the rules of
/// <see cref="ISegmentMembersGrain.Update"/> in one place. Announcements may arrive again (a customer's outbox sends
/// them until acknowledged) and late, so a change older than the member's sequence number does nothing.
/// </summary>
internal static class ChangeResolver
{
    /// <summary>The change to store, or null when the announcement changes nothing.</summary>
    /// <param name="change">The announcement.</param>
    /// <param name="held">The member's record, or null when the customer is not a member.</param>
    public static IndexChange? Resolve(MembershipChange change, MemberRecord? held)
    {
        var id = change.CustomerId;
        if (held is not { } member)
        {
            return change.Entered ? new IndexChange(id, IndexChangeKind.Added, change.At.UtcTicks, change.Sequence) : null;
        }

        // An erasure is final, whatever its sequence number says.
        if (!change.Erased && IsOlder(change.Sequence, member.Sequence)) return null;
        if (!change.Entered) return new IndexChange(id, IndexChangeKind.Removed, 0, change.Sequence);
        return change.Sequence > member.Sequence ? new IndexChange(id, IndexChangeKind.Refreshed, member.SinceTicks, change.Sequence) : null;
    }

    /// <summary>The record a member has after <paramref name="change"/>, or null when it is no longer a member.</summary>
    public static MemberRecord? After(IndexChange change) =>
        change.Kind == IndexChangeKind.Removed ? null : new MemberRecord(change.SinceTicks, change.Sequence);

    // 0 is "unknown" (an announcement from before sequence numbers): never older, and never newer, than another.
    private static bool IsOlder(long sequence, long held) => sequence != 0 && sequence < held;
}
