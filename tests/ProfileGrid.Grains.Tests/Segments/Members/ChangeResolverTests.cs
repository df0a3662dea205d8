using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>
/// What an announcement does to a member set: entering stores since when, entering again keeps it, leaving a
/// non-member does nothing, and a change older than the member's sequence number (sent again after a newer one) is
/// ignored, unless it erases.
/// </summary>
public sealed class ChangeResolverTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly MemberRecord Member = new(At.AddHours(-1).UtcTicks, Sequence: 7);

    [Fact]
    public void A_customer_who_is_not_a_member_enters_since_the_change()
    {
        Assert.Equal(new IndexChange("ann", IndexChangeKind.Added, At.UtcTicks, 3), ChangeResolver.Resolve(Enter(3), held: null));
    }

    [Fact]
    public void A_member_who_enters_again_with_a_newer_sequence_keeps_its_since_and_takes_the_sequence()
    {
        Assert.Equal(new IndexChange("ann", IndexChangeKind.Refreshed, Member.SinceTicks, 9), ChangeResolver.Resolve(Enter(9), Member));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(6)]
    [InlineData(0)]
    public void A_member_who_enters_again_with_the_same_an_older_or_no_sequence_changes_nothing(long sequence)
    {
        Assert.Null(ChangeResolver.Resolve(Enter(sequence), Member));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(0)]
    public void A_member_leaves_on_a_leave_of_its_sequence_a_newer_one_or_one_without(long sequence)
    {
        Assert.Equal(new IndexChange("ann", IndexChangeKind.Removed, 0, sequence), ChangeResolver.Resolve(Leave(sequence), Member));
    }

    [Fact]
    public void A_leave_older_than_the_member_is_ignored_so_a_replayed_announcement_does_not_undo_a_newer_one()
    {
        Assert.Null(ChangeResolver.Resolve(Leave(6), Member));
    }

    [Fact]
    public void An_erasure_removes_the_member_whatever_its_sequence()
    {
        Assert.Equal(new IndexChange("ann", IndexChangeKind.Removed, 0, 1), ChangeResolver.Resolve(Leave(1) with { Erased = true }, Member));
    }

    [Fact]
    public void Leaving_a_segment_one_is_not_in_changes_nothing()
    {
        Assert.Null(ChangeResolver.Resolve(Leave(8), held: null));
        Assert.Null(ChangeResolver.Resolve(Leave(8) with { Erased = true }, held: null));
    }

    [Fact]
    public void The_record_after_a_change_is_its_since_and_sequence_or_none_after_a_removal()
    {
        Assert.Equal(new MemberRecord(5, 9), ChangeResolver.After(new IndexChange("ann", IndexChangeKind.Refreshed, 5, 9)));
        Assert.Null(ChangeResolver.After(new IndexChange("ann", IndexChangeKind.Removed, 0, 9)));
    }

    private static MembershipChange Enter(long sequence) => new("buyers", "ann", Entered: true, ["purchase.total = 1"], At, Sequence: sequence);

    private static MembershipChange Leave(long sequence) => new("buyers", "ann", Entered: false, [], At, Sequence: sequence);
}
