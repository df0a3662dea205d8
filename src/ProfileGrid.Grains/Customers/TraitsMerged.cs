namespace ProfileGrid.Customers;

/// <summary>What <see cref="CustomerState.Merge"/> changed and refused.</summary>
public sealed class TraitsMerged
{
    public List<string> Traits { get; } = [];

    public List<string> Consent { get; } = [];

    public List<TraitRejection> Rejected { get; } = [];

    public bool Changed => Traits.Count > 0 || Consent.Count > 0;
}
