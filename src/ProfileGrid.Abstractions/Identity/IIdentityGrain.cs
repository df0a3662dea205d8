namespace ProfileGrid.Identity;

/// <summary>
/// One identifier (key: <see cref="Identifier.Key"/>) and the customer it belongs to. The first customer to claim
/// it keeps it until that customer releases it (it changed its email, an identify that claimed it was refused, or the
/// customer was erased). Customers claim and release through their own grain, which records every identifier it ever
/// held (<c>IdentifierLedger</c>), so that a refused identify gives back what it took and erasure finds every row.
/// </summary>
[Alias("pg.IIdentityGrain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    /// <summary>The customer the identifier belongs to, or null.</summary>
    [Alias("Resolve"), Orleans.Concurrency.ReadOnly]
    Task<string?> Resolve();

    /// <summary>
    /// Links the identifier to <paramref name="customerId"/> unless another customer has it; returns its owner, and
    /// whether this call linked it (a claimant that gives up releases only what it linked itself).
    /// </summary>
    [Alias("Claim.v2")]
    Task<IdentityClaim> Claim(string customerId);

    /// <summary>Forgets the identifier if <paramref name="customerId"/> owns it (its stored row is deleted).</summary>
    [Alias("Release")]
    Task Release(string customerId);
}

/// <summary>The owner of an identifier after a claim, and whether the claim linked it (it had no owner before).</summary>
[GenerateSerializer, Immutable, Alias("pg.IdentityClaim")]
public sealed record IdentityClaim([property: Id(0)] string Owner, [property: Id(1)] bool Fresh);
