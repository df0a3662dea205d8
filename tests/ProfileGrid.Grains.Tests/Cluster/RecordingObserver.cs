using System.Threading.Channels;
using ProfileGrid.Customers;
using ProfileGrid.Events;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>A client-side observer that records what the grain tells it.</summary>
public sealed class RecordingObserver : ICustomerObserver
{
    public Channel<(CustomerProfile Profile, CustomerEvent[] Applied)> Changes { get; } = Channel.CreateUnbounded<(CustomerProfile, CustomerEvent[])>();

    public Channel<string[]> Viewers { get; } = Channel.CreateUnbounded<string[]>();

    public Task ProfileChanged(CustomerProfile profile, CustomerEvent[] applied) => Changes.Writer.WriteAsync((profile, applied)).AsTask();

    public Channel<(string CustomerId, long Seq)> Erasures { get; } = Channel.CreateUnbounded<(string, long)>();

    public Task ProfileErased(string customerId, long seq) => Erasures.Writer.WriteAsync((customerId, seq)).AsTask();

    public Task ViewersChanged(string customerId, string[] viewers) => Viewers.Writer.WriteAsync(viewers).AsTask();

    public static async Task<T> Next<T>(Channel<T> channel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await channel.Reader.ReadAsync(timeout.Token);
    }
}
