namespace ProfileGrid.Identity;

/// <summary>
/// One identifier (key: <see cref="Identifier.Key"/>) and the customer it belongs to. The first customer to claim
/// it keeps it until it is released (the customer is erased).
/// </summary>
[Alias("pg.IIdentityGrain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    /// <summary>The customer the identifier belongs to, or null.</summary>
    [Alias("Resolve"), Orleans.Concurrency.ReadOnly]
    Task<string?> Resolve();

    /// <summary>Links the identifier to <paramref name="customerId"/> unless another customer has it; returns its owner.</summary>
    [Alias("Claim")]
    Task<string> Claim(string customerId);

    /// <summary>Forgets the identifier if <paramref name="customerId"/> owns it (its stored row is deleted).</summary>
    [Alias("Release")]
    Task Release(string customerId);
}
