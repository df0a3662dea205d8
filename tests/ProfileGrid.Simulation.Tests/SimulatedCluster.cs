using ProfileGrid.Archive;
using System.Collections.Concurrent;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using ProfileGrid.Customers;
using ProfileGrid.Identity;
using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Testing;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Simulation.Tests;

/// <summary>
/// One silo (in this process) holding the grains a history drives, on memory storage or on Azurite, with a domain
/// clock the histories move and switches that make the customers' or the member sets' journal writes fail. The silo
/// is the same composition a ProfileGrid silo has (customers, identities, segments, member sets, wake-ups); only the
/// clock and the fault switches are the test's.
/// </summary>
public class SimulatedCluster : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, SimulatedCluster> Running = new();
    private readonly string _id = Guid.NewGuid().ToString("N");
    private AzuriteProcess? _azurite;

    public SimulatedCluster(bool azurite) => UsesAzurite = azurite;

    public bool UsesAzurite { get; }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public FaultSwitch CustomerFaults { get; } = new();

    public FaultSwitch MemberFaults { get; } = new();

    /// <summary>Every journal storage of the silo by name (for scans of what is stored); on Azurite, the connection string.</summary>
    public Dictionary<string, IJournalStorage> Journals { get; } = [];

    public string? ConnectionString => _azurite?.ConnectionString;

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>The silo's own services (its segment catalog, above all: a definition made through it is used at once).</summary>
    public IServiceProvider SiloServices => ((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services;

    public async Task InitializeAsync()
    {
        if (UsesAzurite) _azurite = await AzuriteProcess.StartInMemoryAsync();
        Running[_id] = this;
        var builder = new TestClusterBuilder(1);
        builder.Properties["Simulation:Id"] = _id;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    private SegmentRules? _segments;

    /// <summary>The shared segments, defined (and back-filled) once per cluster.</summary>
    public async Task<SegmentRules> SegmentsAsync()
    {
        if (_segments is null)
        {
            var segments = new SegmentRules();
            await segments.DefineAllAsync(this);
            _segments = segments;
        }

        return _segments;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Running.TryRemove(_id, out _);
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    private void Configure(ISiloBuilder silo)
    {
        silo.ConfigureServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
            services.AddSegments();
            services.AddWakeups();
            // Archiving is tested where the journal storage keeps an outbox (the gateway's memory storage, Azurite).
            services.AddArchive();
            services.Configure<ArchiveOptions>(options => options.Enabled = false);
            // Purchases are a history type from the start (their year is kept, so a segment may read it with archiving off).
            services.Configure<Counters.HistoryOptions>(options => options.Types = [.. Model.ModelProfile.HistoryTypes]);
            // The scheduler looks for customers due every 20 ms, and passes the month and a bit a step may move at
            // once, so a history sees a wake-up within a moment of its clock moving. At that pace it lists the stored
            // buckets at every tick (one query of a one-partition table on Azurite) rather than ask 64 buckets each time.
            services.Configure<WakeupOptions>(options =>
                (options.TickPeriod, options.MaxMinutesPerTick, options.ListFromMinutes) = (TimeSpan.FromMilliseconds(20), 45 * 24 * 60, 1));
            // Member pages of a few members, so that histories split and merge pages too.
            services.Configure<SegmentMembersOptions>(options => options.PageMembers = 8);
            // Back-fills run on the segment sweep, as in a silo (wake-ups move customers by time). A redefinition is
            // made through this, the only silo's, catalog and used at once, so its back-fill need not wait out the
            // catalog's freshness on other silos; with nothing else to serve, the sweep may take all the time.
            services.AddSegmentSweep();
            services.Configure<SegmentSweepOptions>(options => (options.JoinDelay, options.DutyCycle, options.MaxConcurrency) = (TimeSpan.Zero, 1, 64));
        });
        if (_azurite is { } azurite)
        {
            var tables = new Dictionary<string, string>
            {
                [StorageNames.Customers] = "ProfileGridJournals",
                [StorageNames.SegmentMembers] = "ProfileGridSegmentMembers",
                [StorageNames.Wakeups] = "ProfileGridWakeups",
            };
            foreach (var (name, table) in tables)
            {
                silo.AddAzureTableJournalStorage(name + "-azure", options =>
                    (options.ConnectionString, options.TableName, options.PartitionCount) = (azurite.ConnectionString, table, name == StorageNames.Wakeups ? 1 : options.PartitionCount));
                var faults = Faults(name);
                silo.Services.AddKeyedSingleton<IJournalStorage>(name, (provider, _) =>
                    Journals[name] = new FaultingJournalStorage(provider.GetRequiredKeyedService<IJournalStorage>(name + "-azure"), faults));
            }

            // As OrleansTableProviders registers them in a silo: Orleans' binary serializer, a cleared state deletes its row.
            foreach (var name in new[] { SegmentRegistryGrain.StorageName, IdentityGrain.StorageName })
            {
                silo.AddAzureTableGrainStorage(name, options => options.Configure<Serializer>((storage, serializer) =>
                    (storage.TableServiceClient, storage.DeleteStateOnClear, storage.GrainStorageSerializer) =
                    (new TableServiceClient(azurite.ConnectionString), true, new OrleansGrainStorageSerializer(serializer))));
            }

            return;
        }

        foreach (var name in new[] { StorageNames.Customers, StorageNames.SegmentMembers, StorageNames.Wakeups })
        {
            var faults = Faults(name);
            var memory = new MemoryJournalStorage();
            silo.Services.AddKeyedSingleton<IJournalStorage>(name, (_, _) => Journals[name] = new FaultingJournalStorage(memory, faults));
        }

        silo.AddMemoryGrainStorage(SegmentRegistryGrain.StorageName);
        silo.AddMemoryGrainStorage(IdentityGrain.StorageName);
    }

    private FaultSwitch Faults(string storage) => storage switch
    {
        StorageNames.Customers => CustomerFaults,
        StorageNames.SegmentMembers => MemberFaults,
        _ => new FaultSwitch(),
    };

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => Running[siloBuilder.Configuration["Simulation:Id"]!].Configure(siloBuilder);
    }
}
