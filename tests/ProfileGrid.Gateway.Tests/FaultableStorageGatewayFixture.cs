using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using ProfileGrid.Customers;

namespace ProfileGrid.Gateway.Tests;

/// <summary>A gateway whose customer storage refuses every write while <see cref="FailWrites"/> is set, as an unreachable table would.</summary>
public sealed class FaultableStorageGatewayFixture : GatewayFixture
{
    private volatile bool _failWrites;

    public bool FailWrites
    {
        get => _failWrites;
        set => _failWrites = value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Registered after the host's own, so the grains resolve this one for their storage name.
        builder.ConfigureServices(services => services.AddKeyedSingleton<IGrainStorage>(StorageNames.Customers,
            (provider, name) => new Switchable(MemoryGrainStorageFactory.Create(provider, (string)name!), this)));
    }

    private sealed class Switchable(IGrainStorage inner, FaultableStorageGatewayFixture fixture) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => fixture.FailWrites
            ? throw new IOException("storage is unreachable (test switch)")
            : inner.WriteStateAsync(stateName, grainId, grainState);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
