using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A test double for a customer whose stored row is corrupt: every <c>Watch</c> and <c>ApplyEvents</c> on a customer
/// whose id starts with <see cref="Prefix"/> throws, as an activation reading a bad row would. Registered only in the
/// test host.
/// </summary>
public sealed class PoisonedCustomerFilter : IIncomingGrainCallFilter
{
    public const string Prefix = "poison-";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ICustomerGrain
            && context.InterfaceMethod.Name is nameof(ICustomerGrain.Watch) or nameof(ICustomerGrain.ApplyEvents)
            && context.TargetId.Key.ToString().StartsWith(Prefix, StringComparison.Ordinal))
            throw new OverflowException("Value was either too large or too small for an Int64 (a corrupt stored row).");
        return context.Invoke();
    }
}
