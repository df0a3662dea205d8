using System.Collections.Concurrent;
using ProfileGrid.Customers;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>Counts the customers' <see cref="ICustomerGrain.ReevaluateSegments"/> calls in the test cluster, per customer.</summary>
public sealed class ReevaluationCounter : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, int> Calls = new(StringComparer.Ordinal);

    public static int CallsTo(string customerId) => Calls.GetValueOrDefault(customerId);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ICustomerGrain && context.InterfaceMethod.Name == nameof(ICustomerGrain.ReevaluateSegments))
            Calls.AddOrUpdate(context.TargetId.Key.ToString()!, 1, static (_, count) => count + 1);
        return context.Invoke();
    }
}
