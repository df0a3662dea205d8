namespace ProfileGrid.Gateway.Realtime;

/// <summary>
/// What this gateway has pushed of one watched customer, so that every watcher sees each seq's profile once, in
/// order, and nothing is pushed that would hide a change still on its way. A snapshot handed to one connection
/// (its own Watch) never counts as pushed to the others, except the first one, when no one else watches yet.
/// Not thread-safe: <see cref="CustomerSubscriptions"/> calls it under its lock.
/// </summary>
internal sealed class PushLedger(DateTimeOffset createdAt)
{
    private long? _aheadAtLastRenewal;

    public long LastPushedSeq { get; private set; }

    public DateTimeOffset LastPushedAt { get; private set; } = createdAt;

    /// <summary>The snapshot the first watcher got: nobody needs an older profile pushed.</summary>
    public void Baseline(long seq) => LastPushedSeq = Math.Max(LastPushedSeq, seq);

    /// <summary>A grain notification: its profile goes out unless one as new went out already (its activity always does).</summary>
    public bool Notified(long seq, DateTimeOffset now)
    {
        if (seq <= LastPushedSeq) return false;
        (LastPushedSeq, LastPushedAt) = (seq, now);
        return true;
    }

    /// <summary>
    /// A renewal saw the profile at <paramref name="seq"/>. Ahead of what was pushed is normal while a notification is
    /// on its way; it is a missed change only when the seq seen ahead at the previous renewal still has not been
    /// pushed. A profile just as new as the last push is pushed again once per <paramref name="rolloverPeriod"/>
    /// while it has recent events, so its windows roll forward; an older one never is.
    /// </summary>
    public RenewalPush Renewed(long seq, bool hasRecentEvents, DateTimeOffset now, TimeSpan rolloverPeriod)
    {
        if (seq > LastPushedSeq)
        {
            if (_aheadAtLastRenewal is not { } ahead || LastPushedSeq >= ahead)
            {
                _aheadAtLastRenewal = seq;
                return RenewalPush.None;
            }

            _aheadAtLastRenewal = null;
            (LastPushedSeq, LastPushedAt) = (seq, now);
            return RenewalPush.Missed;
        }

        _aheadAtLastRenewal = null;
        if (seq < LastPushedSeq || !hasRecentEvents || now - LastPushedAt < rolloverPeriod) return RenewalPush.None;
        LastPushedAt = now;
        return RenewalPush.Rolling;
    }
}
