using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// A gateway whose customer storage refuses every write while <see cref="FailWrites"/> is set, as an unreachable table
/// would, and the writes of the customers named in <see cref="FailWritesOf"/>, as an unreachable partition would.
/// </summary>
public sealed class FaultableStorageGatewayFixture : GatewayFixture
{
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);
    private volatile bool _failWrites;

    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    /// <summary>Refuses the customer's writes until <see cref="HealWritesOf"/>.</summary>
    public void FailWritesOf(string customerId) => _failing[customerId] = true;

    public void HealWritesOf(string customerId) => _failing.TryRemove(customerId, out _);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Registered after the host's own, so the grains resolve this one for their storage name.
        builder.ConfigureServices(services => services.AddKeyedSingleton<IJournalStorage>(StorageNames.Customers,
            (_, _) => new Switchable(new MemoryJournalStorage(), this)));
    }

    private sealed class Switchable(IJournalStorage inner, FaultableStorageGatewayFixture fixture) : IJournalStorage
    {
        public Task<JournalRead> ReadAsync(string key) => inner.ReadAsync(key);

        public Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write) => fixture.FailWrites || fixture._failing.ContainsKey(key)
            ? throw new IOException("storage is unreachable (test switch)")
            : inner.WriteAsync(key, expected, write);

        public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
            inner.ListKeysAsync(continuation, pageSize, cancellationToken);

        public Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default) =>
            inner.ListKeysStartingWithAsync(prefix, continuation, pageSize, cancellationToken);
    }
}
