namespace ProfileGrid.Customers;

/// <summary>A merge of traits (JSON merge-patch semantics: a null value removes the trait) and consent flags.</summary>
/// <param name="Traits">Trait name → raw JSON value, or null to remove it.</param>
/// <param name="By">Who sent it: the producer (the API key's name).</param>
/// <param name="Source">Where the producer says the consent was given, e.g. <c>checkout</c> or <c>preference-center</c>.</param>
/// <param name="At">
/// When the traits and consent were originally set, for an import of past records (null: now, as they arrive). Such a
/// patch never overwrites a value set later, nor one set live (<see cref="TraitPatch.At"/> is null there), which is
/// taken to be newer than anything imported.
/// </param>
[GenerateSerializer, Immutable, Alias("pg.TraitPatch")]
public sealed record TraitPatch(
    [property: Id(0)] Dictionary<string, string?> Traits,
    [property: Id(1)] Dictionary<string, bool> Consent,
    [property: Id(2)] string? By = null,
    [property: Id(3)] string? Source = null,
    [property: Id(4)] DateTimeOffset? At = null);

/// <summary>A consent flag as it was last set: granted or not, when, by which producer, and from where.</summary>
[GenerateSerializer, Immutable, Alias("pg.ConsentRecord")]
public sealed record ConsentRecord(
    [property: Id(0)] bool Granted,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string? By,
    [property: Id(3)] string? Source);
