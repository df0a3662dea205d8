using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Segments.Members;

/// <summary>Reads every member of a shard as the gateway pages through it: each page starts after the last one's last id.</summary>
internal static class PagedMembers
{
    public static async Task<List<string>> ReadAllAsync(Func<string?, Task<IReadOnlyList<SegmentMember>>> pageAfter)
    {
        var members = new List<string>();
        for (string? after = null; ;)
        {
            var page = await pageAfter(after);
            if (page.Count == 0) return members;
            members.AddRange(page.Select(member => member.CustomerId));
            after = page[^1].CustomerId;
        }
    }
}
