using ProfileGrid.Settings;

namespace ProfileGrid.Segments.Members;

/// <summary>How a segment shard pages its members (configuration section <see cref="Section"/>).</summary>
public sealed class SegmentMembersOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Segments:Members";

    public static string SectionPath => Section;

    /// <summary>A page splits past this many members (in two halves, when it is just past).</summary>
    public int PageMembers { get; set; } = 2000;

    /// <summary>
    /// A page splits past this many estimated bytes (an id's UTF-8 and about 20): 64 KiB is some 1,200 ids of 34
    /// characters. With the log it may take before a checkpoint (at most a journal's 192 KiB of entries), a page stays
    /// far inside a journal snapshot's 768 KiB.
    /// </summary>
    public int PageBytes { get; set; } = 64 * 1024;

    /// <summary>An active shard keeps pages in memory up to about this many members (the least recently used go first).</summary>
    public int CachedMembers { get; set; } = 20_000;

    /// <summary>The most <see cref="PageBytes"/> may be: a page and a full log must fit a journal snapshot.</summary>
    public const int MaxPageBytes = 256 * 1024;

    public IEnumerable<string> Problems() => new[]
    {
        CheckedOptions.Within(nameof(PageMembers), PageMembers, 4, 1_000_000),
        CheckedOptions.Within(nameof(PageBytes), PageBytes, 1024, MaxPageBytes),
        CheckedOptions.Within(nameof(CachedMembers), CachedMembers, 1, 100_000_000),
    }.OfType<string>();
}
