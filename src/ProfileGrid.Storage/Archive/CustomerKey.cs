namespace ProfileGrid.Storage.Archive;

/// <summary>A customer (its journal key) and its archive key, as a listing of the keys gives them.</summary>
public sealed record CustomerKey(string Customer, ArchiveKey Key);
