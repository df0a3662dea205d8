namespace ProfileGrid.Segments.Members;

/// <summary>
/// The pages an active shard keeps in memory, least recently used first out once they hold more than
/// <paramref name="maxMembers"/> members together; the page used last always stays, however large.
/// </summary>
internal sealed class PageCache(int maxMembers)
{
    private readonly Dictionary<int, LinkedListNode<(int Id, MemberPage Page)>> _nodes = [];
    private readonly LinkedList<(int Id, MemberPage Page)> _order = new();

    /// <summary>Members in the cached pages now.</summary>
    public int Members => _order.Sum(node => node.Page.Count);

    public int Pages => _order.Count;

    public bool TryGet(int pageId, out MemberPage page)
    {
        if (!_nodes.TryGetValue(pageId, out var node))
        {
            page = null!;
            return false;
        }

        _order.Remove(node);
        _order.AddLast(node);
        page = node.Value.Page;
        return true;
    }

    /// <summary>Gets the page if it is cached, without making it the most recently used.</summary>
    public MemberPage? Peek(int pageId) => _nodes.TryGetValue(pageId, out var node) ? node.Value.Page : null;

    public void Add(int pageId, MemberPage page)
    {
        Remove(pageId);
        _nodes[pageId] = _order.AddLast((pageId, page));
        var members = Members;
        while (members > maxMembers && _order.First!.Value.Id != pageId)
        {
            members -= _order.First.Value.Page.Count;
            Remove(_order.First.Value.Id);
        }
    }

    public void Remove(int pageId)
    {
        if (_nodes.Remove(pageId, out var node)) _order.Remove(node);
    }

    public void Clear()
    {
        _nodes.Clear();
        _order.Clear();
    }
}
