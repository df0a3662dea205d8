using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// The index from identifiers (<c>email:…</c>, <c>phone:…</c>, <c>anon:…</c>, <c>device:…</c>, <c>account:…</c>) to
/// customers, as routes read it: customers claim and release their identifiers themselves (identify, a changed email,
/// erasure), and routes find customers by them.
/// </summary>
public sealed class CustomerIdentities(IGrainFactory grains)
{
    /// <summary>Whether <paramref name="key"/> is written as an identifier (<c>type:value</c> of a known type).</summary>
    public static bool IsIdentifier(string key) =>
        Identifier.Types.Any(type => key.StartsWith(type + ":", StringComparison.Ordinal));

    /// <summary>The customer an identifier belongs to; null when none does; an error when it is not an identifier.</summary>
    public async Task<(string? CustomerId, string? Error)> ResolveAsync(string type, string value)
    {
        if (!Identifier.TryCreate(type, value, out var identifier, out var error)) return (null, error);
        return (await grains.GetGrain<IIdentityGrain>(identifier.Key).Resolve(), null);
    }
}
