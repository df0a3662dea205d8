using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProfileGrid.Cluster.Tests.Infrastructure;
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
    [Fact]
    public async Task A_silo_killed_mid_import_leaves_every_customer_counting_the_file_once_and_each_write_archived_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var cluster = await fixture.ClusterAsync(silos: 2, output, timeout.Token);
        using var http = cluster.CreateClient(TimeSpan.FromSeconds(60));
        var file = ImportFile.Create($"{cluster.ClusterId}-import", customers: 600, eventsPerCustomer: 40);

        var id = (await ImportApi.PostAsync(http, file)).GetProperty("id").GetString()!;
        // The silo that holds the import's record (the gateway's run reports to it every window) dies, with half the customers.
        var victim = await GrainHosts.HostOfAsync(cluster, http, ".ImportGrain", TimeSpan.FromSeconds(20), timeout.Token);
        var before = await ImportApi.WaitAsync(http, id, status => status.GetProperty("linesRead").GetInt64() >= 5_000, timeout.Token);
        victim.Kill();
        var done = await ImportApi.WaitAsync(http, id, status => status.GetProperty("state").GetString() != "running", timeout.Token);
        output.WriteLine($"killed {victim.Name}, which held the import, at {before.GetProperty("linesRead").GetInt64()} of {file.Lines} lines; at the end: {done}");

        Assert.Equal("running", before.GetProperty("state").GetString());
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(file.Lines, done.GetProperty("linesRead").GetInt64());
        Assert.Equal(0, done.GetProperty("rejected").GetInt64());
        // Events applied before the crash and applied again count as duplicates, not twice.
        Assert.Equal(file.Lines, done.GetProperty("applied").GetInt64() + done.GetProperty("duplicates").GetInt64() + done.GetProperty("rejected").GetInt64());
        var wrong = await ImportApi.WrongCountsAsync(http, file, timeout.Token);
        Assert.True(wrong.Count == 0, $"{wrong.Count} customers do not count the file once:{Environment.NewLine}{string.Join(Environment.NewLine, wrong.Take(20))}");

        var archive = new ArchiveReader(cluster.Storage.ConnectionString);
        await archive.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(30), timeout.Token);
        var archived = await archive.EntriesAsync(file.Customers.Keys, timeout.Token);
        await ArchiveAssert.EveryWriteOnceAsync(http, archived, customer => file.Customers[customer].PurchaseIds, customer => file.Customers[customer].Events, timeout.Token);
    }

    [Fact]
    public async Task A_replay_into_a_fresh_cluster_whose_silo_is_killed_resumes_from_its_checkpoint_and_gives_back_every_customer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var live = await fixture.ClusterAsync(silos: 1, output, timeout.Token);
        using var liveHttp = live.CreateClient(TimeSpan.FromSeconds(60));
        // A history of its own, traits and events; the replay rebuilds every customer with an archive key, this test's and any other's.
        var file = ImportFile.Create($"{live.ClusterId}-replay", customers: 300, eventsPerCustomer: 12, traits: true);
        var imported = await ImportApi.WaitAsync(liveHttp, (await ImportApi.PostAsync(liveHttp, file)).GetProperty("id").GetString()!,
            status => status.GetProperty("state").GetString() != "running", timeout.Token);
        Assert.Equal(("done", (long)file.Lines), (imported.GetProperty("state").GetString(), imported.GetProperty("applied").GetInt64()));
        var archive = new ArchiveReader(live.Storage.ConnectionString);
        await archive.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(30), timeout.Token);
        var customers = (await archive.KeysAsync(timeout.Token)).Keys.Order(StringComparer.Ordinal).ToList();

        // A fresh cluster: its own tables, empty, and the live cluster's archive and keys.
        await using var fresh = await ProfileGridCluster.StartAsync("replay-target", siloCount: 2, output, timeout.Token, siloSettings: SiloCrashRecoveryFixture.SiloSettings);
        var copied = await ArchiveCopy.CopyAsync(live.Storage.ConnectionString, fresh.Storage.ConnectionString, timeout.Token);
        using var http = fresh.CreateClient(TimeSpan.FromSeconds(60));
        using var started = await http.PostAsync("/v1/replays", new StringContent("""{"all": true}""", Encoding.UTF8, "application/json"), timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonNode.Parse(await started.Content.ReadAsStringAsync(timeout.Token))!["id"]!.GetValue<string>();
        var runner = await LoggingSiloAsync(fresh, $"Replay {id} started", timeout.Token);
        var before = await ReplayStatusAsync(http, id, status => (long)status["customersRead"]! >= customers.Count / 4 || (string?)status["state"] is "done" or "failed", timeout.Token);
        runner.Kill();
        var done = await ReplayStatusAsync(http, id, status => (string?)status["state"] is "done" or "failed", timeout.Token);
        var survivor = Assert.Single(fresh.Silos, silo => silo != runner);
        var resumedAt = ResumedAt().Match(survivor.Log.Tail(5000).Replace(Environment.NewLine + "      ", " ", StringComparison.Ordinal));
        output.WriteLine($"{customers.Count} customers, {copied.Blobs} blobs and {copied.Keys} keys copied; killed {runner.Name}, which ran replay {id}, at {before.ToJsonString()}; "
            + $"{survivor.Name} resumed it at partition {(resumedAt.Success ? resumedAt.Groups["partition"].Value : "?")}; at the end: {done.ToJsonString()}");

        Assert.Equal("running", (string?)before["state"]);
        Assert.True(resumedAt.Success, $"{survivor.Name} did not log that it resumed replay {id}.{Environment.NewLine}{survivor.Log.Tail(100)}");
        // From its checkpoint: the partitions done before the crash are not done again.
        Assert.True(int.Parse(resumedAt.Groups["partition"].Value, CultureInfo.InvariantCulture) > 0, resumedAt.Value);
        Assert.Equal("done", (string?)done["state"]);
        Assert.Equal(customers.Count, (long)done["customers"]!);
        Assert.Equal(customers.Count, (long)done["customersRead"]!);
        Assert.Equal(customers.Count, (long)done["rebuilt"]!);
        Assert.Equal(0, (long)done["skipped"]!);
        Assert.Equal(0, (long)done["failed"]!);
        Assert.Empty(done["reasons"]!.AsArray());

        var different = new List<string>();
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (customer, token) =>
        {
            if (await DifferenceAsync(liveHttp, http, customer, token) is { } difference) lock (different) different.Add(difference);
        });
        Assert.True(different.Count == 0, $"{different.Count} of {customers.Count} customers differ from live:{Environment.NewLine}{string.Join(Environment.NewLine, different.Take(10))}");
    }

    /// <summary>How the rebuilt profile differs from the live one (its seq moves on by the restores' writes), or null; read twice before it counts, since windows move with the clock.</summary>
    private static async Task<string?> DifferenceAsync(HttpClient live, HttpClient rebuilt, string customer, CancellationToken cancellationToken)
    {
        string? difference = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (expected, actual) = (await ProfileAsync(live, customer, cancellationToken), await ProfileAsync(rebuilt, customer, cancellationToken));
            var (liveSeq, rebuiltSeq) = ((long)expected["seq"]!, (long)actual["seq"]!);
            expected.Remove("seq");
            actual.Remove("seq");
            var (left, right) = (expected.ToJsonString(), actual.ToJsonString());
            if (left == right && rebuiltSeq > liveSeq) return null;
            difference = $"{customer}: live seq {liveSeq} {left}{Environment.NewLine}   rebuilt seq {rebuiltSeq} {right}";
        }

        return difference;
    }

    private static async Task<JsonObject> ProfileAsync(HttpClient http, string customer, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/v1/customers/{customer}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /v1/customers/{customer} on {http.BaseAddress}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Polls the replay's status until <paramref name="until"/> holds; an answer other than 200 (its silo failing over) is polled past.</summary>
    private static async Task<JsonNode> ReplayStatusAsync(HttpClient http, string id, Func<JsonNode, bool> until, CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var response = await http.GetAsync($"/v1/replays/{id}", cancellationToken))
            {
                if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is { } status && until(status)) return status;
            }

            await Task.Delay(100, cancellationToken);
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

    [GeneratedRegex(@"Replay \w+ resumed at partition (?<partition>\d+)")]
    private static partial Regex ResumedAt();
}
