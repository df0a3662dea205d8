using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Customers;
using ProfileGrid.Storage;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Two gateways, each with its own co-hosted silo and memory storage, sharing only the archive (blob store and keys)
/// and one stopped domain clock: <see cref="Live"/>, where a history is built, and <see cref="Empty"/>, a second
/// cluster that starts with nothing and is rebuilt from the archive. The clock stands still, so both read profiles
/// as of the same instant and windows agree to the slot.
/// </summary>
public sealed class ReplayGatewayFixture : IAsyncLifetime
{
    /// <summary>Small, so that a partition's customers take several passes (the live cluster's few, the empty one's thousand).</summary>
    public const int LiveCustomersPerPass = 3;

    public const int EmptyCustomersPerPass = 25;

    public MemoryArchiveStore Archive { get; } = new();

    public MemoryArchiveKeys Keys { get; } = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddSeconds(30));

    public ArchiveSharingGateway Live { get; }

    public ArchiveSharingGateway Empty { get; }

    public ReplayGatewayFixture()
    {
        Live = new ArchiveSharingGateway(this, LiveCustomersPerPass);
        Empty = new ArchiveSharingGateway(this, EmptyCustomersPerPass);
    }

    public Task InitializeAsync()
    {
        _ = Live.Server;
        _ = Empty.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Live.DisposeAsync();
        await Empty.DisposeAsync();
    }

    /// <summary>Waits until <paramref name="gateway"/>'s outbox is empty: everything it stored is in the archive.</summary>
    public static Task ArchivedAsync(ArchiveSharingGateway gateway) => ArchiveWaits.CaughtUpAsync(gateway);

    public sealed class ArchiveSharingGateway(ReplayGatewayFixture shared, int customersPerPass) : GatewayFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ProfileGrid:Archive:PollPeriod", "00:00:00.050");
            builder.UseSetting("ProfileGrid:Archive:KeepRunningPeriod", "00:00:00.200");
            builder.UseSetting("ProfileGrid:Replay:DutyCycle", "1");
            builder.UseSetting("ProfileGrid:Replay:CustomersPerPass", customersPerPass.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<IArchiveStore>(shared.Archive);
                services.AddSingleton<IArchiveKeys>(shared.Keys);
                services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, shared.Clock);
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ReplayGatewayCollection : ICollectionFixture<ReplayGatewayFixture>
{
    public const string Name = "replay gateways";
}
