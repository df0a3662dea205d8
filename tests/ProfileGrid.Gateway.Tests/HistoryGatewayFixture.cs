using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProfileGrid.Customers;
using ProfileGrid.Storage;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Two gateways with their own co-hosted silos and memory storage, on one stopped domain clock (windows agree to the
/// slot): <see cref="Archived"/> archives every write (a history back-fill replays it), <see cref="Unarchived"/> has
/// archiving off and <c>ProfileGrid:History:Types</c> naming <see cref="ConfiguredType"/>.
/// </summary>
public sealed class HistoryGatewayFixture : IAsyncLifetime
{
    public const string ConfiguredType = "subscription";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddSeconds(30));

    public HistoryGateway Archived { get; }

    public HistoryGateway Unarchived { get; }

    public HistoryGatewayFixture()
    {
        Archived = new HistoryGateway(this, archive: true);
        Unarchived = new HistoryGateway(this, archive: false);
    }

    public Task InitializeAsync()
    {
        _ = Archived.Server;
        _ = Unarchived.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Archived.DisposeAsync();
        await Unarchived.DisposeAsync();
    }

    /// <summary>Waits until the gateway's outbox is empty: everything it stored is in the archive.</summary>
    public static Task ArchivedAsync(HistoryGateway gateway) => ArchiveWaits.CaughtUpAsync(gateway);

    public sealed class HistoryGateway(HistoryGatewayFixture shared, bool archive) : GatewayFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ProfileGrid:Archive:Enabled", archive ? "true" : "false");
            builder.UseSetting("ProfileGrid:Archive:PollPeriod", "00:00:00.050");
            builder.UseSetting("ProfileGrid:Archive:KeepRunningPeriod", "00:00:00.200");
            builder.UseSetting("ProfileGrid:Replay:DutyCycle", "1");
            builder.UseSetting("ProfileGrid:History:Types:0", ConfiguredType);
            builder.ConfigureServices(services => services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, shared.Clock));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HistoryGatewayCollection : ICollectionFixture<HistoryGatewayFixture>
{
    public const string Name = "history gateways";
}
