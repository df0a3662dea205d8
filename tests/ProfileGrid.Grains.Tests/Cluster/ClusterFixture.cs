using ProfileGrid.Archive;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using ProfileGrid.Customers;
using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;
using ProfileGrid.Storage;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Grains.Tests.Cluster;

/// <summary>One in-process cluster of two silos for the grain tests, with a domain clock the tests move.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>The producer the tests send events as; event ids are unique within it.</summary>
    public const string Producer = "webshop";

    /// <summary>Customers per page of the segment sweep in this cluster.</summary>
    public const int SweepPageSize = 50;

    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The wake-up schedule's storage, shared by both silos (a bucket or the scheduler may move between them), for the tests to read.</summary>
    public static readonly RecordingStorage WakeupStorage = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddMemoryGrainStorage(SegmentRegistryGrain.StorageName).AddMemoryGrainStorage(ProfileGrid.Identity.IdentityGrain.StorageName).ConfigureServices(services =>
        {
            services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
            services.AddKeyedSingleton<IJournalStorage, FaultableJournalStorage>(StorageNames.Customers);
            services.AddKeyedSingleton<IJournalStorage, FaultableMembersStorage>(StorageNames.SegmentMembers);
            services.AddSegments();
            services.AddKeyedSingleton<IJournalStorage>(StorageNames.Wakeups, WakeupStorage);
            services.AddWakeups();
            // Archiving is tested where the journal storage keeps an outbox (the gateway's memory storage, Azurite).
            services.AddArchive();
            services.Configure<ArchiveOptions>(options => options.Enabled = false);
            // The scheduler looks for customers due every 100 ms, so tests see a wake-up within a moment of the clock moving.
            services.Configure<WakeupOptions>(options => options.TickPeriod = TimeSpan.FromMilliseconds(100));
            // The sweep takes small pages, so that a lap over the tests' customers has several, and is woken every second.
            services.AddSegmentSweep();
            services.Configure<SegmentSweepOptions>(options =>
                (options.PageSize, options.MaxConcurrency, options.DutyCycle, options.ResumeInterval) = (SweepPageSize, 4, 0.5, TimeSpan.FromSeconds(1)));
            // Member pages of a few members, so that shards split and merge pages in every segment test.
            services.Configure<SegmentMembersOptions>(options => options.PageMembers = 8);
        }).AddIncomingGrainCallFilter<ReevaluationCounter>();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
