using System.Collections.Concurrent;
using ProfileGrid.Customers;
using ProfileGrid.Segments;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>
/// Records the customers' <see cref="ICustomerGrain.ReevaluateSegments"/> calls in the test cluster, per customer and
/// with the segments each names, so that a test counts the visits made for its own segments: the sweep is shared, and
/// jobs an earlier test left running visit the same customers.
/// </summary>
public sealed class ReevaluationCounter : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string[]>> Calls = new(StringComparer.Ordinal);

    /// <summary>The calls to the customer that named any of <paramref name="segments"/>.</summary>
    public static int CallsTo(string customerId, params string[] segments) =>
        Calls.TryGetValue(customerId, out var calls) ? calls.Count(named => named.Intersect(segments, StringComparer.Ordinal).Any()) : 0;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is ICustomerGrain && context.InterfaceMethod.Name == nameof(ICustomerGrain.ReevaluateSegments))
            Calls.GetOrAdd(context.TargetId.Key.ToString()!, static _ => new()).Enqueue(context.Request.GetArgument(0) is SegmentVersion[] versions ? Array.ConvertAll(versions, version => version.Name) : []);
        return context.Invoke();
    }
}
