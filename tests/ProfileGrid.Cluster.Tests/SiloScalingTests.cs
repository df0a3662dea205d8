using System.Globalization;
using System.Text.Json.Nodes;
using ProfileGrid.Cluster.Tests.Infrastructure;
using ProfileGrid.Testing;
using static ProfileGrid.Cluster.Tests.Infrastructure.Seconds;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// Scale-out, scale-in and a rolling upgrade as Container Apps performs them, under continuous load: a silo joins,
/// two silos get SIGTERM one after the other, then every remaining silo is replaced one at a time. Producers must
/// never see anything but 202, and every event must be counted exactly once.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SiloScalingTests(ITestOutputHelper output)
{
    /// <summary>Batches acknowledged between two steps, so each step happens under load on a settled cluster.</summary>
    private const int BatchesPerStep = 40;

    // Container Apps waits 30 s (terminationGracePeriodSeconds) before it kills a container that got SIGTERM.
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Adding_stopping_and_replacing_silos_under_load_answers_every_request_with_202()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = await ProfileGridCluster.StartAsync("scaling", siloCount: 3, output, startup.Token);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        using var stopProducing = new CancellationTokenSource();
        var shape = new LoadShape
        {
            BatchesPerProducer = int.MaxValue,
            PauseBetweenBatches = TimeSpan.FromMilliseconds(20),
            RequestTimeout = TimeSpan.FromSeconds(30),
        };
        using var client = cluster.CreateClient(TimeSpan.FromMinutes(1));
        var load = new EventLoad(client, cluster.ClusterId, shape);
        var steps = new List<string>();
        var stopped = new List<(AppProcess Silo, bool Exited, TimeSpan Took)>();

        var run = load.RunAsync(deadline.Token, stopProducing.Token);
        try
        {
            await SettleAsync(load, run, deadline.Token);
            var added = await StepAsync(load, steps, "add a silo", () => cluster.AddSiloAsync(deadline.Token));
            await SettleAsync(load, run, deadline.Token);
            foreach (var silo in new[] { cluster.Silos[0], cluster.Silos[1] })
            {
                stopped.Add(await StepAsync(load, steps, $"SIGTERM {silo.Name}", () => StopAsync(silo)));
                await SettleAsync(load, run, deadline.Token);
            }

            foreach (var silo in cluster.Silos.Where(s => s.IsRunning).ToList())
            {
                stopped.Add(await StepAsync(load, steps, $"rolling restart: SIGTERM {silo.Name}", () => StopAsync(silo)));
                await StepAsync(load, steps, $"rolling restart: start {silo.Name}'s successor", () => cluster.AddSiloAsync(deadline.Token));
                await SettleAsync(load, run, deadline.Token);
            }
        }
        finally
        {
            await stopProducing.CancelAsync();
            await run;
        }

        var loadEnded = load.Now;
        var failures = load.Attempts.Where(a => !a.Acknowledged).OrderBy(a => a.Answered).ToList();
        using var reading = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var differences = await ProfileReader.CompareAsync(client, load.ExpectedTotals(), reading.Token);
        var (activeInDashboard, dashboardHosts) = await ActiveSilosInDashboardAsync(client, cluster.Silos.Count(s => s.IsRunning), reading.Token);
        var membership = new List<string>();
        foreach (var (silo, _, _) in stopped)
        {
            var row = (await cluster.MembershipRowsAsync(silo, reading.Token))[0];
            membership.Add($"{silo.Name}: {row.GetString("Status")}, suspected by [{row.GetString("SuspectingSilos")}]");
        }

        ResultFile.Append(output, "silo-scaling", string.Create(CultureInfo.InvariantCulture,
            $"{string.Join("; ", steps)}; {load.Attempts.Count} requests, {failures.Count} not 202; "
            + $"batches {load.Acknowledged.Count} acknowledged ({load.Acknowledged.Sum(a => a.Batch.Events.Count)} events), "
            + $"{load.GivenUp.Count} given up; {differences.Count} counter differences; load {Format(loadEnded)}"));
        foreach (var line in membership) output.WriteLine(line);

        Assert.True(failures.Count == 0, $"{failures.Count} requests were not answered 202:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failures.Take(20).Select(f =>
                $"  +{Format(f.Sent)} → +{Format(f.Answered)} try {f.Try}: {f.Status} {f.Error}"))
            + Environment.NewLine + string.Join(Environment.NewLine, steps) + Environment.NewLine + cluster.Logs());
        Assert.All(stopped, s => Assert.True(s.Exited && s.Silo.ExitCode == 0,
            $"{s.Silo.Name} did not leave by itself within {GracePeriod.TotalSeconds:0}s of SIGTERM (exit code {s.Silo.ExitCode}).{Environment.NewLine}{s.Silo.Log.Tail(80)}"));
        // A silo that leaves gracefully deactivates its grains and marks itself dead before it exits.
        Assert.All(stopped, s => Assert.True(s.Silo.Log.Contains("Silo shutdown completed (graceful)"),
            $"{s.Silo.Name} did not shut down gracefully:{Environment.NewLine}{s.Silo.Log.Tail(80)}"));
        Assert.All(membership, line => Assert.Contains(": Dead,", line, StringComparison.Ordinal));
        Assert.True(cluster.Silos.Count(s => s.IsRunning) == activeInDashboard, "The Orleans dashboard shows " + dashboardHosts);
        Assert.True(cluster.Gateway.IsRunning, $"The gateway exited during the test.{Environment.NewLine}{cluster.Gateway.Log.Tail(100)}");
        AcknowledgementsAssert.EveryEventAccountedFor(load);
        Assert.True(differences.Count == 0,
            $"{differences.Count} customer counters differ from the acknowledged events:{Environment.NewLine}"
            + string.Join(Environment.NewLine, differences.Take(30)) + Environment.NewLine + cluster.Logs());
    }

    /// <summary>
    /// The silos the gateway's Orleans dashboard (admin keys) shows as active, once it shows <paramref name="expected"/>
    /// or after 20 s: its counters refresh every second from a grain that a rolling restart may just have moved.
    /// </summary>
    private static async Task<(int Active, string Hosts)> ActiveSilosInDashboardAsync(HttpClient client, int expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var hosts = JsonNode.Parse(await client.GetStringAsync(new Uri("orleans/DashboardCounters", UriKind.Relative), cancellationToken))!["hosts"]!.AsArray();
            var active = hosts.Count(h => h!["status"]!.GetValue<string>() == "Active");
            if (active == expected || DateTime.UtcNow > deadline) return (active, hosts.ToJsonString());
            await Task.Delay(500, cancellationToken);
        }
    }

    private static async Task<(AppProcess Silo, bool Exited, TimeSpan Took)> StopAsync(AppProcess silo)
    {
        var started = DateTime.UtcNow;
        var exited = await silo.StopAsync(GracePeriod);
        return (silo, exited, DateTime.UtcNow - started);
    }

    private static async Task<T> StepAsync<T>(EventLoad load, List<string> steps, string step, Func<Task<T>> action)
    {
        var at = load.Now;
        var result = await action();
        var took = load.Now - at;
        steps.Add(string.Create(CultureInfo.InvariantCulture, $"+{Format(at)} {step} ({Format(took)})"));
        return result;
    }

    private static Task SettleAsync(EventLoad load, Task run, CancellationToken cancellationToken) =>
        load.WaitForAcknowledgedAsync(load.Acknowledged.Count + BatchesPerStep, run, cancellationToken);
}
