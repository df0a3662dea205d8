using ProfileGrid.Segments.Members;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>A page's member filter: never "no" for an id it was given; "maybe" for about 1 in 100 ids it was not.</summary>
public sealed class MemberFilterTests
{
    [Fact]
    public void A_filter_says_maybe_for_every_id_it_holds_and_no_for_nearly_every_other()
    {
        var filter = new MemberFilter(2000);
        string[] held = [.. Enumerable.Range(0, 2000).Select(i => $"c-{i:D6}-{i * 7919 % 10007:x}")];
        foreach (var id in held) filter.Add(id);

        var falsePositives = Enumerable.Range(0, 100_000).Count(i => filter.MayContain($"other-{i}"));

        Assert.All(held, id => Assert.True(filter.MayContain(id), id));
        Assert.InRange(falsePositives, 0, 2_000);
    }

    [Fact]
    public void An_empty_filter_says_no()
    {
        var filter = new MemberFilter(8);

        Assert.False(filter.MayContain("ann"));
        filter.Add("ann");
        Assert.True(filter.MayContain("ann"));
        Assert.False(filter.MayContain("bob"));
    }
}
