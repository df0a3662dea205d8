using ProfileGrid.Gateway.Realtime;

namespace ProfileGrid.Gateway.Tests;

/// <summary>What a gateway pushes of one customer: each seq once and in order, and a renewal never hides a change on its way.</summary>
public sealed class PushLedgerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Rollover = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_notification_pushes_its_profile_once_and_never_an_older_one()
    {
        var ledger = new PushLedger(Start);

        Assert.True(ledger.Notified(1, Start));
        Assert.True(ledger.Notified(2, Start));
        Assert.False(ledger.Notified(2, Start));
        Assert.False(ledger.Notified(1, Start));
        Assert.Equal(2, ledger.LastPushedSeq);
    }

    [Fact]
    public void The_first_watchers_snapshot_counts_as_pushed()
    {
        var ledger = new PushLedger(Start);

        ledger.Baseline(5);

        Assert.False(ledger.Notified(5, Start));
        Assert.True(ledger.Notified(6, Start));
    }

    [Fact]
    public void A_renewal_ahead_of_the_pushes_waits_one_round_for_the_notification_on_its_way()
    {
        var ledger = new PushLedger(Start);
        ledger.Notified(1, Start);

        Assert.Equal(RenewalPush.None, ledger.Renewed(2, true, Start.AddSeconds(5), Rollover));
        Assert.True(ledger.Notified(2, Start.AddSeconds(6)));
        Assert.Equal(RenewalPush.None, ledger.Renewed(3, true, Start.AddSeconds(10), Rollover));
        Assert.True(ledger.Notified(3, Start.AddSeconds(11)));
        Assert.Equal(RenewalPush.None, ledger.Renewed(3, true, Start.AddSeconds(15), Rollover));
    }

    [Fact]
    public void A_change_still_not_pushed_at_the_next_renewal_was_missed_and_is_pushed_from_the_renewal()
    {
        var ledger = new PushLedger(Start);
        ledger.Notified(1, Start);

        Assert.Equal(RenewalPush.None, ledger.Renewed(2, false, Start.AddSeconds(5), Rollover));
        Assert.Equal(RenewalPush.Missed, ledger.Renewed(2, false, Start.AddSeconds(10), Rollover));

        Assert.Equal(2, ledger.LastPushedSeq);
        Assert.False(ledger.Notified(2, Start.AddSeconds(11)));
    }

    [Fact]
    public void A_profile_with_recent_events_is_pushed_again_once_per_rollover_period_at_the_pushed_seq_only()
    {
        var ledger = new PushLedger(Start);
        ledger.Notified(4, Start);

        Assert.Equal(RenewalPush.None, ledger.Renewed(4, true, Start.AddSeconds(29), Rollover));
        Assert.Equal(RenewalPush.Rolling, ledger.Renewed(4, true, Start.AddSeconds(30), Rollover));
        Assert.Equal(RenewalPush.None, ledger.Renewed(4, true, Start.AddSeconds(35), Rollover));
        Assert.Equal(RenewalPush.None, ledger.Renewed(3, true, Start.AddSeconds(90), Rollover));
        Assert.Equal(RenewalPush.None, ledger.Renewed(4, false, Start.AddSeconds(90), Rollover));
        Assert.Equal(RenewalPush.Rolling, ledger.Renewed(4, true, Start.AddSeconds(90), Rollover));
    }
}
