using ProfileGrid.Client;
using ProfileGrid.Customers;
using ProfileGrid.Destinations;
using ProfileGrid.Gateway.Importing;
using ProfileGrid.Gateway.Ingestion;
using ProfileGrid.Gateway.Realtime;
using ProfileGrid.Gateway.Security;
using ProfileGrid.Hosting;
using ProfileGrid.Segments;
using ProfileGrid.Segments.Members;
using ProfileGrid.Settings;
using ProfileGrid.Wakeups;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// Every options class says which of its settings are out of range, each as one line with the setting's full path,
/// the range and the value given; its defaults, and the edges of each range, pass. (The process-level check, that such
/// a line is all a process prints before it stops, is <c>BadSettingTests</c> in the cluster tests.)
/// </summary>
public sealed class CheckedOptionsTests
{
    [Fact]
    public void Realtime_renewals_stay_inside_the_minute_a_subscription_lives()
    {
        Assert.Empty(Failures(new RealtimeOptions()));
        Assert.Empty(Failures(new RealtimeOptions { RenewPeriod = TimeSpan.FromMilliseconds(100), SegmentRenewPeriod = TimeSpan.FromSeconds(30), RolloverPeriod = TimeSpan.FromHours(1) }));
        Assert.Equal(
        [
            "ProfileGrid:Realtime:RenewPeriod must be 100 ms to 30 s, not -00:00:05.",
            "ProfileGrid:Realtime:SegmentRenewPeriod must be 100 ms to 30 s, not 00:00:30.0010000.",
            "ProfileGrid:Realtime:RolloverPeriod must be 1 s to 1 h, not 00:00:00.9990000.",
        ], Failures(new RealtimeOptions
        {
            RenewPeriod = TimeSpan.FromSeconds(-5),
            SegmentRenewPeriod = TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(1),
            RolloverPeriod = TimeSpan.FromMilliseconds(999),
        }));
    }

    [Fact]
    public void Deliveries_retry_within_their_age_and_keep_bounded_queues()
    {
        Assert.Empty(Failures(new DeliveryOptions()));
        Assert.Empty(Failures(new DeliveryOptions { Partitions = 64, MaxQueueLength = 1, FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(10), MaxAge = TimeSpan.FromDays(7) }));
        Assert.Equal(
        [
            "ProfileGrid:Destinations:Partitions must be 1 to 64, not 0.",
            "ProfileGrid:Destinations:MaxQueueLength must be 1 to 100000, not 100001.",
            "ProfileGrid:Destinations:AttemptTimeout must be 100 ms to 5 min, not 00:00:00.0500000.",
            "ProfileGrid:Destinations:MaxRetryDelay must be at least FirstRetryDelay (2 s), not 1 s.",
            "ProfileGrid:Destinations:MaxAge must be 1 s to 168 h, not 8.00:00:00.",
            "ProfileGrid:Destinations:MaxDeadLetters must be 1 to 100000, not 0.",
        ], Failures(new DeliveryOptions
        {
            Partitions = 0,
            MaxQueueLength = 100_001,
            AttemptTimeout = TimeSpan.FromMilliseconds(50),
            FirstRetryDelay = TimeSpan.FromSeconds(2),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            MaxAge = TimeSpan.FromDays(8),
            MaxDeadLetters = 0,
        }));
    }

    [Fact]
    public void Bulk_admission()
    {
        Assert.Empty(Failures(new BulkAdmissionOptions { BulkEvents = 1000, QueueDelayTarget = TimeSpan.FromSeconds(1), Lease = TimeSpan.FromMilliseconds(0.1) }));
        Assert.Equal(["ProfileGrid:BulkAdmission:Lease must be 0.1 ms to 10 s, not 00:00:10.0010000."],
            Failures(new BulkAdmissionOptions { Lease = TimeSpan.FromSeconds(10) + TimeSpan.FromMilliseconds(1) }));
    }

    [Fact]
    public void Imports_take_a_bounded_share_and_renew_their_lease_within_it()
    {
        Assert.Empty(Failures(new ImportOptions()));
        Assert.Empty(Failures(new ImportOptions { MaxConcurrentBatches = 1024, MaxEventsPerSecond = 0, WindowLines = 100, Lease = TimeSpan.FromSeconds(1), ScanInterval = TimeSpan.FromMilliseconds(100) }));
        Assert.Equal(
        [
            "ProfileGrid:Imports:MaxConcurrentBatches must be 1 to 1024, not 0.",
            "ProfileGrid:Imports:MaxEventsPerSecond must be 0 to 10000000, not -1.",
            "ProfileGrid:Imports:Retention must be 1 min to 8784 h, not 00:00:30.",
            "ProfileGrid:Imports:ScanInterval (00:00:30) must be shorter than Lease (00:00:30): a run renews its lease at every scan.",
        ], Failures(new ImportOptions { MaxConcurrentBatches = 0, MaxEventsPerSecond = -1, Retention = TimeSpan.FromSeconds(30), ScanInterval = TimeSpan.FromSeconds(30) }));
    }

    [Fact]
    public void Api_keys_are_named_by_their_place_never_by_their_value()
    {
        var key = new string('k', 16);
        Assert.Empty(Failures(new ApiKeysOptions { ApiKeys = [new ApiKeyOptions { Name = "shop", Key = key, Role = ApiRole.Producer, Scopes = ["pii"] }] }));
        Assert.Equal(
        [
            "ProfileGrid:ApiKeys:0:Key must be at least 16 characters.",
            "ProfileGrid:ApiKeys:1:Name is required.",
            "ProfileGrid:ApiKeys:2:Role must be producer, agent or admin.",
            "ProfileGrid:ApiKeys:3:Key is listed twice.",
        ], Failures(new ApiKeysOptions
        {
            ApiKeys =
            [
                new ApiKeyOptions { Name = "short", Key = "tooshort", Role = ApiRole.Agent },
                new ApiKeyOptions { Name = " ", Key = key, Role = ApiRole.Producer },
                new ApiKeyOptions { Name = "odd", Key = key + "2", Role = (ApiRole)42 },
                new ApiKeyOptions { Name = "again", Key = key, Role = ApiRole.Admin },
            ],
        }));
    }

    [Fact]
    public void Silo_endpoints()
    {
        Assert.Empty(Failures(new ProfileGridSiloOptions()));
        Assert.Empty(Failures(new ProfileGridSiloOptions { SiloPort = 1, GatewayPort = 65535, AdvertisedIp = "10.0.0.4" }));
        Assert.Equal(
        [
            "ProfileGrid:Silo:SiloPort must be 1 to 65535, not 0.",
            "ProfileGrid:Silo:GatewayPort must be 1 to 65535, not 65536.",
            "ProfileGrid:Silo:AdvertisedIp must be an IP address, not 'silo-1'.",
        ], Failures(new ProfileGridSiloOptions { SiloPort = 0, GatewayPort = 65536, AdvertisedIp = "silo-1" }));
        Assert.Equal(["ProfileGrid:Silo:GatewayPort must differ from SiloPort, not both 11111."],
            Failures(new ProfileGridSiloOptions { GatewayPort = 11111 }));
    }

    [Fact]
    public void Cluster_ids_fit_table_keys()
    {
        Assert.Empty(Failures(new ProfileGridClusterOptions()));
        Assert.Empty(Failures(new ProfileGridClusterOptions { Mode = ClusterMode.Client, ClusterId = new string('c', 128), ServiceId = "svc.prod_1" }));
        Assert.Equal(
        [
            "ProfileGrid:Cluster:Mode must be Standalone or Client, not 7.",
            "ProfileGrid:Cluster:ClusterId must be 1 to 128 characters without '/', '\\', '#', '?' or control characters, not 'eu/west'.",
            "ProfileGrid:Cluster:ServiceId must be 1 to 128 characters without '/', '\\', '#', '?' or control characters, not ''.",
        ], Failures(new ProfileGridClusterOptions { Mode = (ClusterMode)7, ClusterId = "eu/west", ServiceId = "" }));
        Assert.Single(Failures(new ProfileGridClusterOptions { ClusterId = new string('c', 129) }));
    }

    [Fact]
    public void Storage_is_one_account_reached_one_way()
    {
        Assert.Empty(Failures(new ProfileGridStorageOptions()));
        Assert.Empty(Failures(new ProfileGridStorageOptions { ServiceUri = new Uri("https://account.table.core.windows.net/"), PartitionCount = 4096, MaxConcurrentRequests = 1 }));
        Assert.Empty(Failures(new ProfileGridStorageOptions { ServiceUri = new Uri("http://127.0.0.1:10002/devstoreaccount1") }));
        Assert.Equal(
        [
            "ProfileGrid:Storage:ConnectionString and ServiceUri must not both be set: one account, reached one way.",
            "ProfileGrid:Storage:ServiceUri must be an absolute https address (http only on loopback), not 'http://account.table.core.windows.net/'.",
            "ProfileGrid:Storage:PartitionCount must be 1 to 4096, not 0.",
            "ProfileGrid:Storage:MaxConcurrentRequests must be 1 to 10000, not 10001.",
        ], Failures(new ProfileGridStorageOptions
        {
            ConnectionString = "UseDevelopmentStorage=true",
            ServiceUri = new Uri("http://account.table.core.windows.net/"),
            PartitionCount = 0,
            MaxConcurrentRequests = 10_001,
        }));
    }

    [Fact]
    public void Value_scoring()
    {
        Assert.Empty(Failures(new ValueOptions()));
        Assert.Equal(
        [
            "ProfileGrid:Value:PurchaseTypes must name at least one event type, and no empty one.",
            "ProfileGrid:Value:ForecastYears must be 0 to 100, not -1.",
            "ProfileGrid:Value:MinPaceDays must be 1 to 36600, not 0.",
            "ProfileGrid:Value:RecencyDays must be 4 ascending numbers of days from 0, not [30, 7, 90, 365].",
            "ProfileGrid:Value:FrequencyCounts must be 4 ascending counts from 0, not [2, 4, 8].",
            "ProfileGrid:Value:MonetaryAmounts must be 4 ascending amounts from 0, not [-1, 500, 1000, 5000].",
            "ProfileGrid:Value:Tiers must be named, ascending by MinRevenue, the first at 0.",
        ], Failures(new ValueOptions
        {
            PurchaseTypes = ["purchase", ""],
            ForecastYears = -1,
            MinPaceDays = 0,
            RecencyDays = [30, 7, 90, 365],
            FrequencyCounts = [2, 4, 8],
            MonetaryAmounts = [-1, 500, 1000, 5000],
            Tiers = [new("bronze", 10m), new("gold", 1000m)],
        }));
    }

    [Fact]
    public void Segment_member_pages()
    {
        Assert.Empty(Failures(new SegmentMembersOptions()));
        Assert.Empty(Failures(new SegmentMembersOptions { PageMembers = 4, PageBytes = SegmentMembersOptions.MaxPageBytes, CachedMembers = 1 }));
        Assert.Equal(
        [
            "ProfileGrid:Segments:Members:PageMembers must be 4 to 1000000, not 3.",
            "ProfileGrid:Segments:Members:PageBytes must be 1024 to 262144, not 262145.",
            "ProfileGrid:Segments:Members:CachedMembers must be 1 to 100000000, not 0.",
        ], Failures(new SegmentMembersOptions { PageMembers = 3, PageBytes = SegmentMembersOptions.MaxPageBytes + 1, CachedMembers = 0 }));
    }

    [Fact]
    public void Every_problem_of_a_section_fails_its_validation_and_a_host_built_from_it()
    {
        var options = new SegmentSweepOptions { PageSize = 0 };

        Assert.Equal(["ProfileGrid:Segments:Sweep:PageSize must be 1 to 1000, not 0."], new CheckedOptionsValidator<SegmentSweepOptions>().Validate(null, options).Failures);
        var refused = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => CheckedOptions.Check(options));
        Assert.Equal(["ProfileGrid:Segments:Sweep:PageSize must be 1 to 1000, not 0."], refused.Failures);
    }

    [Fact]
    public void The_producer_client_names_every_setting_it_cannot_work_with()
    {
        var options = new ProfileGridClientOptions { Endpoint = new Uri("http://127.0.0.1:5080/"), ApiKey = "key" };
        Assert.Empty(options.Problems());
        options.MaxBatchSize = 0;
        options.MaxRetries = -1;
        options.RetryDelay = TimeSpan.FromSeconds(20);
        options.RequestTimeout = TimeSpan.Zero;

        Assert.Equal(
        [
            "MaxBatchSize must be 1 to 1000 (events a request takes), not 0.",
            "MaxRetries must be 0 to 100, not -1.",
            "RetryDelay must be 1 ms to MaxRetryDelay (00:00:10), not 00:00:20.",
            "RequestTimeout must be 1 ms to 10 min, not 00:00:00.",
        ], options.Problems());
        var refused = Assert.Throws<ArgumentException>(() => new ProfileGridClient(options));
        Assert.Equal("ProfileGridClientOptions: " + string.Join(" ", options.Problems()), refused.Message);
    }

    [Fact]
    public void Durations_read_as_a_person_writes_them()
    {
        Assert.Equal("100 ms", CheckedOptions.Describe(TimeSpan.FromMilliseconds(100)));
        Assert.Equal("0.01 ms", CheckedOptions.Describe(TimeSpan.FromMilliseconds(0.01)));
        Assert.Equal("0 s", CheckedOptions.Describe(TimeSpan.Zero));
        Assert.Equal("90 s", CheckedOptions.Describe(TimeSpan.FromSeconds(90)));
        Assert.Equal("10 min", CheckedOptions.Describe(TimeSpan.FromMinutes(10)));
        Assert.Equal("24 h", CheckedOptions.Describe(TimeSpan.FromDays(1)));
    }

    private static List<string> Failures<TOptions>(TOptions options)
        where TOptions : class, ICheckedOptions => CheckedOptions.Failures(options);
}
