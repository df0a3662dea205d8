namespace ProfileGrid.Storage;

/// <summary>
/// One page of the keys a journal storage holds (<see cref="IJournalStorage.ListKeysAsync"/>). A page can hold fewer
/// keys than asked, none even, while more follow; only a null <see cref="Continuation"/> ends the listing.
/// </summary>
/// <param name="Keys">The keys of this page, in the storage's listing order.</param>
/// <param name="Continuation">An opaque token that asks for the next page; null when this page is the last.</param>
public sealed record JournalKeyPage(IReadOnlyList<string> Keys, string? Continuation)
{
    /// <summary>A page asks for at most this many keys: the most one Azure table query returns.</summary>
    public const int MaxSize = 1000;
}
