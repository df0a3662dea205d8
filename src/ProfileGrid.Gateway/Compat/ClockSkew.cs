namespace ProfileGrid.Gateway.Compat;

/// <summary>
/// The Segment spec's clock skew correction: the sender's clock read <c>sentAt</c> when ours read <c>receivedAt</c>,
/// so its <c>timestamp</c> is moved by the difference. Any sender may name any dates, so the move is made on UTC
/// ticks, where it cannot overflow, and a time past either end of the calendar is refused rather than thrown.
/// </summary>
internal static class ClockSkew
{
    /// <summary>The timestamp on the receiving clock, in UTC; false when it falls outside the years 1 to 9999.</summary>
    public static bool TryCorrect(DateTimeOffset timestamp, DateTimeOffset sentAt, DateTimeOffset receivedAt, out DateTimeOffset corrected)
    {
        // Each term lies in [0, MaxValue.UtcTicks] (about 3.2e18): neither the difference nor the sum can leave a long.
        var ticks = timestamp.UtcTicks + (receivedAt.UtcTicks - sentAt.UtcTicks);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            corrected = default;
            return false;
        }

        corrected = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
