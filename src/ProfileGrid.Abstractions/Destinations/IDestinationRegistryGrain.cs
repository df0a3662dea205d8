namespace ProfileGrid.Destinations;

/// <summary>The destinations of the deployment: one grain (key <see cref="Key"/>), stored in grain storage.</summary>
[Alias("pg.IDestinationRegistryGrain")]
public interface IDestinationRegistryGrain : IGrainWithStringKey
{
    public const string Key = "destinations";

    /// <summary>Creates or replaces a destination; returns the stored definition (with its secret).</summary>
    /// <exception cref="ArgumentException">The definition breaks a rule of <see cref="DestinationRules"/> (the gateway checks first).</exception>
    [Alias("Define")]
    Task<DestinationDefinition> Define(DestinationDefinition definition);

    /// <summary>Removes a destination; whether it existed. Deliveries still queued for it are dropped when they come up.</summary>
    [Alias("Remove")]
    Task<bool> Remove(string name);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<DestinationDefinition[]> List();
}
