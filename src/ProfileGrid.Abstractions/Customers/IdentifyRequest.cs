namespace ProfileGrid.Customers;

/// <summary>
/// What an identify (<c>POST /v1/identify</c>, a Segment-compatible identify or alias) asks of a customer: link the
/// identifiers, merge a profile in, and merge traits and consent; all of it, or nothing.
/// </summary>
/// <param name="Identifiers">Identifier keys to link (<c>device:…</c>, <c>account:…</c>, <c>email:…</c>, <c>anon:…</c>).</param>
/// <param name="Merge">The profile to merge in (<c>anon:{anonymousId}</c>, or a customer id an alias names), or null.</param>
/// <param name="Patch">Traits and consent to merge; its <c>email</c> and <c>phone</c> traits are linked as identifiers too.</param>
/// <param name="TraitsOnly">A trait write (<c>PATCH …/traits</c>) rather than an identify: an erased customer refuses its
/// traits one by one, as any trait write, where an identify is a conflict.</param>
[GenerateSerializer, Immutable, Alias("pg.IdentifyRequest")]
public sealed record IdentifyRequest(
    [property: Id(0)] string[] Identifiers,
    [property: Id(1)] string? Merge,
    [property: Id(2)] TraitPatch Patch,
    [property: Id(3)] bool TraitsOnly = false);

/// <summary>
/// The answer to an identify: what changed, or (<see cref="Conflict"/> set) why nothing did.
/// </summary>
/// <param name="Traits">The traits and consent that changed (the seq is the profile's after the whole identify).</param>
/// <param name="Linked">The identifiers that find the customer now, of those the request named.</param>
/// <param name="Merged">The profiles merged into the customer, of the one the request named (by this call or before it).</param>
/// <param name="Conflict">Why nothing changed: an identifier or profile that belongs to another customer, an erased customer.</param>
/// <param name="ConflictKey">The identifier or profile key the conflict is about, when there is one.</param>
[GenerateSerializer, Immutable, Alias("pg.IdentifyResult")]
public sealed record IdentifyResult(
    [property: Id(0)] TraitsResult Traits,
    [property: Id(1)] string[] Linked,
    [property: Id(2)] string[] Merged,
    [property: Id(3)] string? Conflict = null,
    [property: Id(4)] string? ConflictKey = null)
{
    public static IdentifyResult Refused(long seq, string conflict, string? key = null) => new(TraitsResult.Refused(seq, conflict), [], [], conflict, key);
}
