using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProfileGrid.Cluster.Tests.Infrastructure;
using ProfileGrid.Storage;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// A silo killed (SIGKILL) in the middle of the grid's background work on Azurite, with silos and gateway as separate
/// processes (issue 27): an import whose record and customers live on the silo counts every line once and archives
/// every write once; a replay of every customer from the archive into a fresh cluster, whose silo is killed, resumes
/// from its checkpoint on the other silo and gives back every customer as live processing left it.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class SiloCrashRecoveryTests(SiloCrashRecoveryFixture fixture, ITestOutputHelper output) : IClassFixture<SiloCrashRecoveryFixture>
{
    /// <summary>The replay's customers per pass in the fresh cluster: a partition of it takes several.</summary>
    private const int CustomersPerPass = 12;

    [Fact]
    public async Task A_silo_killed_mid_import_leaves_every_customer_counting_the_file_once_and_each_write_archived_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var cluster = await fixture.ClusterAsync(silos: 2, output, timeout.Token);
        using var http = cluster.CreateClient(TimeSpan.FromSeconds(60));
        // 200 customers (not a multiple of 3: each has purchases and page views), 60 lines each, interleaved.
        var file = ImportFile.Create($"{cluster.ClusterId}-import", customers: 200, eventsPerCustomer: 60);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var id = (await ImportApi.PostAsync(http, file)).GetProperty("id").GetString()!;
        // The silo that holds the import's record (the gateway's run reports to it every window) dies, with half the customers.
        var victim = await GrainHosts.HostOfAsync(cluster, http, ".ImportGrain", TimeSpan.FromSeconds(20), timeout.Token);
        var found = clock.Elapsed;
        var before = await ImportApi.WaitAsync(http, id, status => status.GetProperty("linesRead").GetInt64() >= file.Lines / 3, timeout.Token);
        victim.Kill();
        var killedAt = clock.Elapsed;
        var done = await ImportApi.WaitAsync(http, id, status => status.GetProperty("state").GetString() != "running", timeout.Token);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{victim.Name} held the import at +{found.TotalSeconds:0.0}s; killed at +{killedAt.TotalSeconds:0.0}s, {before.GetProperty("linesRead").GetInt64()} of {file.Lines} lines; done at +{clock.Elapsed.TotalSeconds:0.0}s: {done}"));

        Assert.Equal("running", before.GetProperty("state").GetString());
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(file.Lines, done.GetProperty("linesRead").GetInt64());
        Assert.Equal(0, done.GetProperty("rejected").GetInt64());
        // Events applied before the crash and applied again count as duplicates, not twice.
        Assert.Equal(file.Lines, done.GetProperty("applied").GetInt64() + done.GetProperty("duplicates").GetInt64() + done.GetProperty("rejected").GetInt64());
        var wrong = await ImportApi.WrongCountsAsync(http, file, timeout.Token);
        Assert.True(wrong.Count == 0, $"{wrong.Count} customers do not count the file once:{Environment.NewLine}{string.Join(Environment.NewLine, wrong.Take(20))}");

        var archive = new ArchiveReader(cluster.Storage.ConnectionString, cluster.ServiceId, SiloCrashRecoveryFixture.Partitions);
        await archive.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(30), timeout.Token);
        var archived = await archive.EntriesAsync(file.Customers.Keys, timeout.Token);
        await ArchiveAssert.EveryWriteOnceAsync(http, archived, customer => file.Customers[customer].PurchaseIds, customer => file.Customers[customer].Events, timeout.Token);
        output.WriteLine($"{archived.Values.Sum(entries => entries.Count)} writes archived once each; {clock.Elapsed.TotalSeconds:0.0}s in all");
    }

    [Fact]
    public async Task A_replay_into_a_fresh_cluster_whose_silo_is_killed_resumes_from_its_checkpoint_and_gives_back_every_customer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var live = await fixture.ClusterAsync(silos: 1, output, timeout.Token);
        using var liveHttp = live.CreateClient(TimeSpan.FromSeconds(60));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // A fresh cluster of the same service, started meanwhile: tables of its own, empty, to which the live cluster's
        // archive and keys are copied (keys are the service's: another service's replay would find none of them). Its archivers poll once a minute, so the restores the replay stores before the crash are still in the
        // outbox when it resumes, as they are when their archiver died with the silo.
        var starting = ProfileGridCluster.StartAsync("replay-target", siloCount: 2, output, timeout.Token, siloSettings: new Dictionary<string, string>
        {
            ["ProfileGrid__Storage__PartitionCount"] = SiloCrashRecoveryFixture.Partitions.ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Archive__PollPeriod"] = "00:01:00",
            // A partition takes several passes, without rests: the crash falls in the middle of one, after customers of it were restored.
            ["ProfileGrid__Replay__CustomersPerPass"] = CustomersPerPass.ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Replay__DutyCycle"] = "1",
        }, serviceId: live.ServiceId);
        var history = HistoryAsync(live, liveHttp, timeout.Token);
        try
        {
            await Task.WhenAll(starting, history);
        }
        catch
        {
            if (starting.IsCompletedSuccessfully) await (await starting).DisposeAsync();
            throw;
        }

        await using var fresh = await starting;
        var customers = await history;
        // Where each partition's customers end in the replay's count (it goes through the partitions in order, a pass of
        // CustomersPerPass of them at a time): the crash falls after a pass of a partition, with two passes of it or more to go.
        var partitionEnds = Enumerable.Range(0, SiloCrashRecoveryFixture.Partitions)
            .Select(partition => (long)customers.Count(customer => JournalPartitions.Of(customer, SiloCrashRecoveryFixture.Partitions) <= partition)).ToList();
        bool MidPartition(long read) => !partitionEnds.Contains(read) && partitionEnds.First(end => end > read) - read > CustomersPerPass;
        var historyReady = clock.Elapsed;

        var copied = await ArchiveCopy.CopyAsync(live.Storage.ConnectionString, fresh.Storage.ConnectionString, timeout.Token);
        using var http = fresh.CreateClient(TimeSpan.FromSeconds(60));
        using var started = await http.PostAsync("/v1/replays", new StringContent("""{"all": true}""", Encoding.UTF8, "application/json"), timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync(timeout.Token))!["id"]!.GetValue<string>();
        var runner = await LoggingSiloAsync(fresh, $"Replay {id} started", timeout.Token);
        var before = await ReplayStatusAsync(http, id, status => (string?)status["state"] is "done" or "failed"
            || ((long)status["customersRead"]! >= customers.Count / 4 && MidPartition((long)status["customersRead"]!)), timeout.Token, poll: TimeSpan.FromMilliseconds(20));
        runner.Kill();
        var killedAt = clock.Elapsed;
        var done = await ReplayStatusAsync(http, id, status => (string?)status["state"] is "done" or "failed", timeout.Token);
        var survivor = Assert.Single(fresh.Silos, silo => silo != runner);
        var resumedAt = ResumedAt().Match(survivor.Log.Tail(5000));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history and fresh cluster ready +{historyReady.TotalSeconds:0.0}s: {customers.Count} customers, {copied.Blobs} blobs and {copied.Keys} keys copied; "
            + $"killed {runner.Name}, which ran replay {id}, at +{killedAt.TotalSeconds:0.0}s: {before.ToJsonString()}; "
            + $"{survivor.Name} resumed it at partition {(resumedAt.Success ? resumedAt.Groups["partition"].Value : "?")}; done at +{clock.Elapsed.TotalSeconds:0.0}s: {done.ToJsonString()}"));

        Assert.Equal("running", (string?)before["state"]);
        Assert.True(resumedAt.Success, $"{survivor.Name} did not log that it resumed replay {id}.{Environment.NewLine}{survivor.Log.Tail(100)}");
        // From its checkpoint: the partitions done before the crash are not done again.
        Assert.True(int.Parse(resumedAt.Groups["partition"].Value, CultureInfo.InvariantCulture) > 0, resumedAt.Value);
        // Every customer counted once, and rebuilt: those of the partition the crash interrupted are rebuilt again.
        Assert.Equal((customers.Count, customers.Count, customers.Count, 0L, 0L),
            ((long)done["customers"]!, (long)done["customersRead"]!, (long)done["rebuilt"]!, (long)done["skipped"]!, (long)done["failed"]!));
        Assert.Empty(done["reasons"]!.AsArray());
        Assert.Equal("done", (string?)done["state"]);

        var different = new List<string>();
        var restores = new System.Collections.Concurrent.ConcurrentDictionary<long, int>();
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (customer, token) =>
        {
            var (difference, seqs) = await DifferenceAsync(liveHttp, http, customer, token);
            restores.AddOrUpdate(seqs, 1, (_, count) => count + 1);
            if (difference is not null) lock (different) different.Add(difference);
        });
        output.WriteLine($"customers by seq rebuilt less seq live: {string.Join(", ", restores.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key:+0;-0}: {pair.Value}"))}; {clock.Elapsed.TotalSeconds:0.0}s in all");
        // The customers of the interrupted partition restored before the crash were restored again (a restore is a write): the crash fell where it should.
        Assert.True(restores.GetValueOrDefault(2) > 0, "No customer was restored twice: the crash did not fall after a pass of a partition, and the resume did nothing again.");
        Assert.True(different.Count == 0, $"{different.Count} of {customers.Count} customers differ from live:{Environment.NewLine}{string.Join(Environment.NewLine, different.Take(10))}");
    }

    /// <summary>
    /// A history of this test's own in the live cluster, imported (traits and events) and archived; returns every
    /// customer with an archive key: what a replay of all customers rebuilds, this test's and any other's.
    /// </summary>
    private static async Task<List<string>> HistoryAsync(ProfileGridCluster live, HttpClient http, CancellationToken cancellationToken)
    {
        var file = ImportFile.Create($"{live.ClusterId}-replay", customers: 160, eventsPerCustomer: 12, traits: true);
        var imported = await ImportApi.WaitAsync(http, (await ImportApi.PostAsync(http, file)).GetProperty("id").GetString()!,
            status => status.GetProperty("state").GetString() != "running", cancellationToken);
        Assert.Equal(("done", (long)file.Lines), (imported.GetProperty("state").GetString(), imported.GetProperty("applied").GetInt64()));
        var archive = new ArchiveReader(live.Storage.ConnectionString, live.ServiceId, SiloCrashRecoveryFixture.Partitions);
        await archive.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return [.. (await archive.KeysAsync(cancellationToken)).Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// How the rebuilt profile differs from the live one, or null, and how far its seq moved on (a restore is a write);
    /// read twice before a difference counts, since the windows move with the clock. The time it was read at is not the customer's.
    /// </summary>
    private static async Task<(string? Difference, long SeqsMoved)> DifferenceAsync(HttpClient live, HttpClient rebuilt, string customer, CancellationToken cancellationToken)
    {
        string? difference = null;
        long moved = 0;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (expected, actual) = (await ProfileAsync(live, customer, cancellationToken), await ProfileAsync(rebuilt, customer, cancellationToken));
            moved = (long)actual["seq"]! - (long)expected["seq"]!;
            foreach (var profile in new[] { expected, actual })
            {
                profile.Remove("seq");
                profile.Remove("asOf");
            }

            var (left, right) = (expected.ToJsonString(), actual.ToJsonString());
            if (left == right && moved > 0) return (null, moved);
            difference = $"{customer}: seq {moved:+0;-0} {left}{Environment.NewLine}   rebuilt {right}";
        }

        return (difference, moved);
    }

    private static async Task<JsonObject> ProfileAsync(HttpClient http, string customer, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/v1/customers/{customer}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /v1/customers/{customer} on {http.BaseAddress}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Polls the replay's status until <paramref name="until"/> holds; an answer other than 200 (its silo failing over) is polled past.</summary>
    private static async Task<JsonNode> ReplayStatusAsync(HttpClient http, string id, Func<JsonNode, bool> until, CancellationToken cancellationToken, TimeSpan? poll = null)
    {
        while (true)
        {
            using (var response = await http.GetAsync($"/v1/replays/{id}", cancellationToken))
            {
                if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is { } status && until(status)) return status;
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static async Task<AppProcess> LoggingSiloAsync(ProfileGridCluster cluster, string text, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (cluster.Silos.SingleOrDefault(silo => silo.Log.Contains(text)) is { } silo) return silo;
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>ReplayGrain's log line when an activation resumes a replay.</summary>
    [GeneratedRegex(@"Replay \w+ resumed at partition (?<partition>\d+)")]
    private static partial Regex ResumedAt();
}
