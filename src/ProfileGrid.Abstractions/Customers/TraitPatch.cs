namespace ProfileGrid.Customers;

/// <summary>A merge of traits (JSON merge-patch semantics: a null value removes the trait) and consent flags.</summary>
/// <param name="Traits">Trait name → raw JSON value, or null to remove it.</param>
[GenerateSerializer, Immutable, Alias("pg.TraitPatch")]
public sealed record TraitPatch(
    [property: Id(0)] Dictionary<string, string?> Traits,
    [property: Id(1)] Dictionary<string, bool> Consent);
