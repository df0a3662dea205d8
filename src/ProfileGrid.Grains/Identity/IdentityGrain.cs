using ProfileGrid.Identity;

namespace ProfileGrid.Identity;

/// <summary>Keeps which customer an identifier belongs to, in grain storage <see cref="StorageName"/>.</summary>
public sealed class IdentityGrain(
    [PersistentState("owner", IdentityGrain.StorageName)] IPersistentState<IdentityState> state) : Grain, IIdentityGrain
{
    public const string StorageName = "identities";

    public Task<string?> Resolve() => Task.FromResult(state.State.CustomerId);

    public async Task<IdentityClaim> Claim(string customerId)
    {
        if (state.State.CustomerId is { } owner) return new IdentityClaim(owner, Fresh: false);
        state.State.CustomerId = customerId;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.CustomerId = null;
            throw;
        }

        return new IdentityClaim(customerId, Fresh: true);
    }

    public async Task Release(string customerId)
    {
        if (!string.Equals(state.State.CustomerId, customerId, StringComparison.Ordinal)) return;
        await state.ClearStateAsync();
        state.State = new IdentityState();
    }
}

[GenerateSerializer, Alias("pg.IdentityState")]
public sealed class IdentityState
{
    [Id(0)] public string? CustomerId { get; set; }
}
