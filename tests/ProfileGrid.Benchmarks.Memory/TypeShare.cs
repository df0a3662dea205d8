namespace ProfileGrid.Benchmarks.Memory;

/// <summary>One type's part of a heap difference, per activation: bytes and objects of that type.</summary>
public sealed record TypeShare(string Type, double Bytes, double Objects);
