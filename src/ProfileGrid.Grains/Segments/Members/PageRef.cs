namespace ProfileGrid.Segments.Members;

/// <summary>
/// A page as the directory knows it: the ids from <see cref="LowKey"/> up to the next page's belong to it; its row;
/// and how many members it has and their estimated bytes, the log's changes included.
/// </summary>
internal sealed class PageRef(string lowKey, int pageId, int count, int bytes)
{
    public string LowKey { get; set; } = lowKey;

    public int PageId { get; set; } = pageId;

    public int Count { get; set; } = count;

    public int Bytes { get; set; } = bytes;

    public PageRef Copy() => new(LowKey, PageId, Count, Bytes);
}
