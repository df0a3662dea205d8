using ProfileGrid.Testing;

namespace ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

/// <summary>Runs a real Azurite table service, installed by the repository's package.json, in memory on a free loopback port.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not started.");

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartInMemoryAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
