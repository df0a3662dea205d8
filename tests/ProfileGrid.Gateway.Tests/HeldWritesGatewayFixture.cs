using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A gateway whose customer storage holds a chosen customer's writes until released (or refuses them while
/// <see cref="FailWrites"/> is set), and whose silo counts the <c>ApplyEvents</c> calls each customer receives.
/// </summary>
public sealed class HeldWritesGatewayFixture : GatewayFixture
{
    private readonly ConcurrentDictionary<string, int> _applyCalls = new(StringComparer.Ordinal);
    private volatile string? _held;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _failWrites;

    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    /// <summary>Writes of <paramref name="customerId"/> wait from now until <see cref="Release"/>.</summary>
    public void Hold(string customerId)
    {
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held = customerId;
    }

    public void Release()
    {
        _held = null;
        _release.TrySetResult();
    }

    public int ApplyCalls(string customerId) => _applyCalls.GetValueOrDefault(customerId);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddKeyedSingleton<IJournalStorage>(StorageNames.Customers,
            (_, _) => new Holding(new MemoryJournalStorage(), this)));
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter>(new CallCounter(this)));
    }

    private sealed class Holding(IJournalStorage inner, HeldWritesGatewayFixture fixture) : IJournalStorage
    {
        public Task<JournalRead> ReadAsync(string key) => inner.ReadAsync(key);

        public async Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
        {
            if (fixture._held is { } held && key.Contains(held, StringComparison.Ordinal)) await fixture._release.Task;
            if (fixture.FailWrites) throw new IOException("storage is unreachable (test switch)");
            return await inner.WriteAsync(key, expected, write);
        }

        public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
            inner.ListKeysAsync(continuation, pageSize, cancellationToken);

        public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
            inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
    }

    private sealed class CallCounter(HeldWritesGatewayFixture fixture) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(ICustomerGrain.ApplyEvents))
            {
                fixture._applyCalls.AddOrUpdate(context.TargetId.Key.ToString()!, 1, static (_, count) => count + 1);
            }

            return context.Invoke();
        }
    }
}
