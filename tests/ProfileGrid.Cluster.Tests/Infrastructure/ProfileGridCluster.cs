using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// Azurite with disk persistence, N silo processes and one gateway process in client mode, all on free loopback
/// ports, under a cluster and service id of their own. Disposing kills every process and deletes the data.
/// </summary>
internal sealed class ProfileGridCluster : IAsyncDisposable
{
    public const string ApiKey = "cluster-tests-admin-key-0001";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<AppProcess> _silos = [];
    private readonly Dictionary<AppProcess, int> _siloPorts = [];
    private readonly List<AppProcess> _gateways = [];

    private readonly IReadOnlyDictionary<string, string> _gatewaySettings;
    private readonly IReadOnlyDictionary<string, string> _siloSettings;

    private ProfileGridCluster(string name, IReadOnlyDictionary<string, string>? gatewaySettings, IReadOnlyDictionary<string, string>? siloSettings, string? serviceId)
    {
        _gatewaySettings = gatewaySettings ?? new Dictionary<string, string>();
        _siloSettings = siloSettings ?? new Dictionary<string, string>();
        ClusterId = name + "-" + Guid.NewGuid().ToString("N")[..12];
        ServiceId = serviceId ?? "svc-" + ClusterId;
        Storage = AzuriteProcess.OnDisk();
    }

    public string ClusterId { get; }

    public string ServiceId { get; }

    public AzuriteProcess Storage { get; }

    public IReadOnlyList<AppProcess> Silos => _silos;

    public AppProcess Gateway { get; private set; } = null!;

    /// <summary>Starts Azurite, then the silos side by side, then the gateway, each waited for until ready.</summary>
    /// <param name="gatewaySettings">Environment variables of the gateways on top of the cluster's, e.g. <c>ProfileGrid__Imports__Lease</c>.</param>
    /// <param name="siloSettings">Environment variables of the silos on top of the cluster's, e.g. <c>ProfileGrid__Replay__ResumeInterval</c>.</param>
    /// <param name="serviceId">The service the cluster runs (a new one by default): another cluster's, to rebuild that service elsewhere.</param>
    public static async Task<ProfileGridCluster> StartAsync(
        string name, int siloCount, ITestOutputHelper output, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? gatewaySettings = null, IReadOnlyDictionary<string, string>? siloSettings = null, string? serviceId = null)
    {
        var cluster = new ProfileGridCluster(name, gatewaySettings, siloSettings, serviceId);
        try
        {
            var started = DateTime.UtcNow;
            await cluster.Storage.StartAsync(cancellationToken);
            var silos = Enumerable.Range(0, siloCount).Select(_ => cluster.NewSilo()).ToList();
            await Task.WhenAll(silos.Select(silo => silo.StartAsync(waitForReady: true, StartTimeout, cancellationToken)));
            cluster.Gateway = new AppProcess("gateway", RepoPaths.GatewayDll, cluster.GatewayEnvironment());
            await cluster.Gateway.StartAsync(waitForReady: true, StartTimeout, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cluster {cluster.ClusterId}: azurite :{cluster.Storage.Port} ({cluster.Storage.Location}), "
                + $"{string.Join(", ", cluster._silos)}, {cluster.Gateway}; ready after {(DateTime.UtcNow - started).TotalSeconds:0.0}s"));
            return cluster;
        }
        catch (Exception exception)
        {
            var logs = cluster.Logs(lines: 80);
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The cluster did not start: {exception.Message}{Environment.NewLine}{logs}", exception);
        }
    }

    /// <summary>Starts one more silo (<c>silo-N</c>, numbered on from the last) and waits until it is ready.</summary>
    public Task<AppProcess> AddSiloAsync(CancellationToken cancellationToken) => AddSiloAsync(StartTimeout, cancellationToken);

    /// <summary>As <see cref="AddSiloAsync(CancellationToken)"/>, waiting up to <paramref name="timeout"/> for it to be ready.</summary>
    public async Task<AppProcess> AddSiloAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var silo = NewSilo();
        await silo.StartAsync(waitForReady: true, timeout, cancellationToken);
        return silo;
    }

    /// <summary>Starts one more gateway (<c>gateway-2</c>, …), another replica behind the same load balancer, and waits until it is ready.</summary>
    public async Task<AppProcess> AddGatewayAsync(CancellationToken cancellationToken)
    {
        var gateway = new AppProcess(string.Create(CultureInfo.InvariantCulture, $"gateway-{_gateways.Count + 2}"), RepoPaths.GatewayDll, GatewayEnvironment());
        _gateways.Add(gateway);
        await gateway.StartAsync(waitForReady: true, StartTimeout, cancellationToken);
        return gateway;
    }

    /// <summary>
    /// The membership table's row of a silo of this cluster (every generation it ran as), newest first: Orleans' table
    /// <c>OrleansSiloInstances</c>, which keeps the port and generation as text.
    /// </summary>
    public async Task<IReadOnlyList<TableEntity>> MembershipRowsAsync(AppProcess silo, CancellationToken cancellationToken)
    {
        var table = new TableClient(Storage.ConnectionString, "OrleansSiloInstances");
        var port = _siloPorts[silo].ToString(CultureInfo.InvariantCulture);
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == ClusterId, cancellationToken: cancellationToken))
        {
            if (row.GetString("Port") == port) rows.Add(row);
        }

        return rows.OrderByDescending(r => int.Parse(r.GetString("Generation"), CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The silo port of a silo of this cluster (its address in Orleans, with 127.0.0.1).</summary>
    public int SiloPort(AppProcess silo) => _siloPorts[silo];

    /// <summary>An HTTP client for the (first) gateway, or the one given, with the admin key.</summary>
    public HttpClient CreateClient(TimeSpan timeout, AppProcess? gateway = null)
    {
        var client = new HttpClient { BaseAddress = (gateway ?? Gateway).BaseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    /// <summary>The last lines of every process, for assertion messages.</summary>
    public string Logs(int lines = 60)
    {
        var text = new StringBuilder().AppendLine(
            $"(full logs: {Path.Combine(RepoPaths.TestResults, "cluster-logs", ClusterId)}/ once the cluster is disposed)");
        IEnumerable<AppProcess> apps = Gateway is null ? _silos : [Gateway, .. _gateways, .. _silos];
        foreach (var app in apps)
        {
            text.AppendLine(app.Log.Tail(lines));
        }

        return text.AppendLine(Storage.Log.Tail(lines)).ToString();
    }

    /// <summary>Kills every process, keeps their logs in <c>TestResults/cluster-logs/&lt;cluster id&gt;/</c> and deletes the data.</summary>
    public async ValueTask DisposeAsync()
    {
        Gateway?.Dispose();
        foreach (var gateway in _gateways)
        {
            gateway.Dispose();
        }
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        await Storage.DisposeAsync();
        SaveLogs();
    }

    private void SaveLogs()
    {
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(RepoPaths.TestResults, "cluster-logs", ClusterId)).FullName;
            IEnumerable<AppProcess> apps = Gateway is null ? _silos : [Gateway, .. _gateways, .. _silos];
            foreach (var app in apps)
            {
                app.Log.WriteTo(Path.Combine(folder, app.Name + ".log"));
            }

            Storage.Log.WriteTo(Path.Combine(folder, "azurite.log"));
        }
        catch (IOException)
        {
            // Logs are a diagnostic aid; failing to keep them must not fail or mask the test.
        }
    }

    private AppProcess NewSilo()
    {
        var port = FreePort.Next();
        var silo = new AppProcess(string.Create(CultureInfo.InvariantCulture, $"silo-{_silos.Count + 1}"), RepoPaths.SiloDll, SiloEnvironment(port));
        _silos.Add(silo);
        _siloPorts.Add(silo, port);
        return silo;
    }

    private Dictionary<string, string> SiloEnvironment(int siloPort)
    {
        var environment = new Dictionary<string, string>(CommonEnvironment())
        {
            ["ProfileGrid__Silo__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Silo__AdvertisedIp"] = "127.0.0.1",
        };
        foreach (var (name, value) in _siloSettings) environment[name] = value;
        return environment;
    }

    private Dictionary<string, string> GatewayEnvironment()
    {
        var environment = new Dictionary<string, string>(CommonEnvironment())
        {
            ["ProfileGrid__Cluster__Mode"] = "Client",
            ["ProfileGrid__ApiKeys__0__Key"] = ApiKey,
            ["ProfileGrid__ApiKeys__0__Name"] = "test",
            ["ProfileGrid__ApiKeys__0__Role"] = "admin",
        };
        foreach (var (name, value) in _gatewaySettings) environment[name] = value;
        return environment;
    }

    private Dictionary<string, string> CommonEnvironment() => new()
    {
        ["ProfileGrid__Storage__ConnectionString"] = Storage.ConnectionString,
        ["ProfileGrid__Cluster__ClusterId"] = ClusterId,
        ["ProfileGrid__Cluster__ServiceId"] = ServiceId,
    };
}
