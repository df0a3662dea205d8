using System.Text.Json;
using ProfileGrid.Customers;
using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// The index from identifiers (<c>email:…</c>, <c>phone:…</c>, <c>anon:…</c>, <c>device:…</c>, <c>account:…</c>) to
/// customers: a customer claims the identifiers its <c>email</c> and <c>phone</c> traits hold when they are set, and
/// those an identify call names (the first customer to claim one keeps it), routes find customers by them, and
/// erasure releases them.
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

    /// <summary>The customers the identifiers belong to now (null where none does), in order.</summary>
    public Task<string?[]> OwnersAsync(IReadOnlyList<Identifier> identifiers) =>
        Task.WhenAll(identifiers.Select(identifier => grains.GetGrain<IIdentityGrain>(identifier.Key).Resolve()));

    /// <summary>Claims the identifiers for the customer; returns each one's owner after the claim (another customer's if it was first).</summary>
    public Task<string[]> ClaimAsync(string customerId, IReadOnlyList<Identifier> identifiers) =>
        Task.WhenAll(identifiers.Select(identifier => grains.GetGrain<IIdentityGrain>(identifier.Key).Claim(customerId)));

    /// <summary>Releases identifiers given as keys (<c>type:value</c>) if the customer owns them.</summary>
    public Task ReleaseKeysAsync(string customerId, IEnumerable<string> keys) =>
        Task.WhenAll(keys.Distinct(StringComparer.Ordinal).Select(key => grains.GetGrain<IIdentityGrain>(key).Release(customerId)));

    /// <summary>Claims the identifiers among <paramref name="changed"/> traits that the customer's traits now hold.</summary>
    public async Task ClaimAsync(string customerId, TraitPatch patch, IEnumerable<string> changed)
    {
        var claims = new List<Task>();
        foreach (var name in changed)
        {
            if (Identifiers(name, patch.Traits.GetValueOrDefault(name)) is { } identifier)
                claims.Add(grains.GetGrain<IIdentityGrain>(identifier.Key).Claim(customerId));
        }

        await Task.WhenAll(claims);
    }

    /// <summary>Releases every identifier the customer's traits hold.</summary>
    public async Task ReleaseAsync(string customerId, IReadOnlyDictionary<string, string> traits)
    {
        var releases = new List<Task>();
        foreach (var (name, json) in traits)
        {
            if (Identifiers(name, json) is { } identifier) releases.Add(grains.GetGrain<IIdentityGrain>(identifier.Key).Release(customerId));
        }

        await Task.WhenAll(releases);
    }

    private static Identifier? Identifiers(string trait, string? json)
    {
        if (json is null || !Identifier.Traits.TryGetValue(trait, out var type)) return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.String
            && Identifier.TryCreate(type, document.RootElement.GetString()!, out var identifier, out _)
                ? identifier
                : null;
    }
}
