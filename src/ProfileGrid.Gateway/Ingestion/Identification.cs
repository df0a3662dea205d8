using ProfileGrid.Customers;
using ProfileGrid.Identity;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// What an identify call does, for the native route and the Segment-compatible one: links identifiers to the
/// customer (refusing, before anything changes, one that belongs to another customer), merges traits and consent,
/// claims the identifiers the traits hold, and merges the anonymous profile in.
/// </summary>
public sealed class Identification(CustomerGrains customers, CustomerIdentities identities)
{
    /// <param name="anonymous">The anonymous profile to merge in (<c>anon:…</c>), also linked; or null.</param>
    /// <param name="identifiers">Other identifiers to link (device, account, email…).</param>
    public async Task<IdentifyOutcome> IdentifyAsync(string customerId, Identifier? anonymous, IReadOnlyList<Identifier> identifiers, TraitPatch patch)
    {
        List<Identifier> linked = anonymous is null ? [.. identifiers] : [anonymous, .. identifiers.Where(identifier => identifier != anonymous)];
        if (Conflict(customerId, linked, await identities.OwnersAsync(linked)) is { } taken) return IdentifyOutcome.Refused(taken);
        if (Conflict(customerId, linked, await identities.ClaimAsync(customerId, linked)) is { } raced) return IdentifyOutcome.Refused(raced);

        var result = await customers.Get(customerId).MergeTraits(patch);
        await identities.ClaimAsync(customerId, patch, result.Traits);
        var seq = result.Seq;
        if (anonymous is not null)
        {
            try
            {
                seq = await customers.Get(customerId).MergeFrom(anonymous.Key, patch.By ?? "", [.. linked.Select(identifier => identifier.Key)]);
            }
            catch (InvalidOperationException exception)
            {
                return IdentifyOutcome.Refused(exception.Message);
            }
        }

        return new IdentifyOutcome(TraitsResponse.From(customerId, result) with
        {
            Seq = seq,
            Linked = linked.Count == 0 ? null : [.. linked.Select(identifier => identifier.Key)],
            Merged = anonymous is null ? null : [anonymous.Key],
        }, null);
    }

    /// <summary>Why the first identifier another customer owns cannot be linked, or null when none is.</summary>
    private static string? Conflict(string customerId, List<Identifier> identifiers, string?[] owners)
    {
        for (var i = 0; i < owners.Length; i++)
        {
            if (owners[i] is { } owner && owner != customerId)
                return $"The identifier '{identifiers[i].Key}' belongs to another customer; an identifier links to one customer only.";
        }

        return null;
    }
}

/// <summary>The answer of an identify, or why it was refused (nothing changed then).</summary>
public sealed record IdentifyOutcome(TraitsResponse? Response, string? Conflict)
{
    public static IdentifyOutcome Refused(string conflict) => new(null, conflict);
}
