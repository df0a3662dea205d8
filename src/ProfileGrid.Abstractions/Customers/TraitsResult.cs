namespace ProfileGrid.Customers;

/// <summary>What a trait merge changed: an acknowledgement, never profile data.</summary>
/// <param name="Seq">The profile's seq after the merge (unchanged when nothing changed; 0 while the customer is unknown).</param>
/// <param name="Traits">Names of the traits that were set or removed.</param>
/// <param name="Consent">Consent purposes whose flag was set or changed.</param>
/// <param name="Rejected">Traits and purposes refused because a bound of <see cref="CustomerLimits"/> was reached.</param>
/// <param name="Conflict">Why nothing changed, when the patch would link an identifier (an email or phone trait) that
/// another customer holds, or the customer was erased; null otherwise.</param>
[GenerateSerializer, Immutable, Alias("pg.TraitsResult")]
public sealed record TraitsResult(
    [property: Id(0)] long Seq,
    [property: Id(1)] string[] Traits,
    [property: Id(2)] string[] Consent,
    [property: Id(3)] TraitRejection[] Rejected,
    [property: Id(4)] string? Conflict = null)
{
    /// <summary>Nothing changed, because of <paramref name="conflict"/>.</summary>
    public static TraitsResult Refused(long seq, string conflict) => new(seq, [], [], [], conflict);
}

/// <summary>A trait or consent purpose the customer refused, and why.</summary>
[GenerateSerializer, Immutable, Alias("pg.TraitRejection")]
public sealed record TraitRejection(
    [property: Id(0)] string Name,
    [property: Id(1)] string Error);
