using ProfileGrid.Customers;
using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// What an identify call does, for the native route and the Segment-compatible ones: the customer's grain links the
/// identifiers, merges the anonymous (or aliased) profile in and merges traits and consent, all or nothing
/// (<see cref="ICustomerGrain.Identify"/>); a conflict (an identifier or profile that is another customer's, an
/// erased customer) changes nothing and is answered as such.
/// </summary>
public sealed class Identification(CustomerGrains customers)
{
    /// <param name="anonymous">The anonymous profile to merge in (<c>anon:…</c>), also linked; or null.</param>
    /// <param name="identifiers">Other identifiers to link (device, account, email…).</param>
    public Task<IdentifyOutcome> IdentifyAsync(string customerId, Identifier? anonymous, IReadOnlyList<Identifier> identifiers, TraitPatch patch) =>
        RunAsync(customerId, new IdentifyRequest([.. identifiers.Select(identifier => identifier.Key)], anonymous?.Key, patch));

    /// <summary>
    /// The Segment spec's alias: <paramref name="previousId"/> is whatever id the producer used before, a user id or an
    /// anonymous id. The profile of that user id is merged in if one is known; otherwise the anonymous profile of that
    /// id (linked, so that later events naming it as <c>anonymousId</c> land on the customer too).
    /// </summary>
    public async Task<IdentifyOutcome> AliasAsync(string customerId, string previousId, TraitPatch patch)
    {
        var known = await customers.Get(previousId).GetProfile() is not null;
        var merge = known ? previousId : CustomerKeys.ForAnonymous(previousId);
        return await RunAsync(customerId, new IdentifyRequest([], merge, patch));
    }

    private async Task<IdentifyOutcome> RunAsync(string customerId, IdentifyRequest request)
    {
        var result = await customers.Get(customerId).Identify(request);
        if (result.Conflict is { } conflict) return IdentifyOutcome.Refused(conflict);
        return new IdentifyOutcome(TraitsResponse.From(customerId, result.Traits) with
        {
            Linked = request.Identifiers.Length == 0 && request.Merge is null ? null : [.. result.Linked],
            Merged = request.Merge is null ? null : [.. result.Merged],
        }, null);
    }
}

/// <summary>The answer of an identify, or why it was refused (nothing changed then).</summary>
public sealed record IdentifyOutcome(TraitsResponse? Response, string? Conflict)
{
    public static IdentifyOutcome Refused(string conflict) => new(null, conflict);
}
