using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Ingestion;

/// <summary>
/// References to customer grains. <c>GetGrain&lt;ICustomerGrain&gt;(id)</c> resolves the grain interface and grain type
/// by reflection and type-name formatting on every call (about a tenth of the gateway's CPU time for single events,
/// measured with perf); the types are resolved here once, after the cluster's manifest is known, and every
/// reference is made from them.
/// </summary>
public sealed class CustomerGrains(IGrainFactory grains)
{
    // PublicationOnly: a client that is not connected yet cannot resolve the grain type; the next call tries again.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> _types = new(() =>
    {
        var probe = (GrainReference)grains.GetGrain<ICustomerGrain>("-");
        return (probe.GrainId.Type, probe.InterfaceType);
    }, LazyThreadSafetyMode.PublicationOnly);

    public ICustomerGrain Get(string customerId)
    {
        var (grain, @interface) = _types.Value;
        return (ICustomerGrain)grains.GetGrain(GrainId.Create(grain, customerId), @interface);
    }
}
