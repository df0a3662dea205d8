namespace ProfileGrid.Customers;

/// <summary>What a trait merge changed: an acknowledgement, never profile data.</summary>
/// <param name="Seq">The profile's seq after the merge (unchanged when nothing changed; 0 while the customer is unknown).</param>
/// <param name="Traits">Names of the traits that were set or removed.</param>
/// <param name="Consent">Consent purposes whose flag was set or changed.</param>
/// <param name="Rejected">Traits and purposes refused because a bound of <see cref="CustomerLimits"/> was reached.</param>
[GenerateSerializer, Immutable, Alias("pg.TraitsResult")]
public sealed record TraitsResult(
    [property: Id(0)] long Seq,
    [property: Id(1)] string[] Traits,
    [property: Id(2)] string[] Consent,
    [property: Id(3)] TraitRejection[] Rejected);

/// <summary>A trait or consent purpose the customer refused, and why.</summary>
[GenerateSerializer, Immutable, Alias("pg.TraitRejection")]
public sealed record TraitRejection(
    [property: Id(0)] string Name,
    [property: Id(1)] string Error);
