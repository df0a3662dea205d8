using System.Globalization;
using ProfileGrid.Cluster.Tests.Infrastructure;
using static ProfileGrid.Cluster.Tests.Infrastructure.Seconds;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// A silo process dies (SIGKILL) under load: every event the gateway acknowledged is still counted, exactly once, and
/// archived exactly once (each customer's writes in the archive with seqs 1 to its stored seq, no gap, no repeat).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_silo_under_load_loses_no_acknowledged_event()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = await ProfileGridCluster.StartAsync("silo-crash", siloCount: 3, output, startup.Token);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2.5));
        // A patient producer: the gateway itself must answer requests caught by the kill (503 within its 10 s
        // response timeout) rather than leave them hanging.
        var shape = new LoadShape { RequestTimeout = TimeSpan.FromSeconds(30) };
        using var client = cluster.CreateClient(TimeSpan.FromMinutes(1));
        var load = new EventLoad(client, cluster.ClusterId, shape);

        using var stopProbing = new CancellationTokenSource();
        var probe = new FailoverProbe(client, cluster.ClusterId, () => load.Now);

        var run = load.RunAsync(deadline.Token);
        var probing = probe.RunAsync(stopProbing.Token);
        await load.WaitForAcknowledgedAsync(shape.TotalBatches / 3, run, deadline.Token);
        var acknowledgedBeforeKill = load.Acknowledged.Count;
        var victim = cluster.Silos[1];
        var killedAt = load.Now;
        victim.Kill();
        await run;
        var loadEnded = load.Now;
        await stopProbing.CancelAsync();
        await probing;

        var timeline = new FaultTimeline(load.Attempts, killedAt);
        using var reading = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var differences = await ProfileReader.CompareAsync(client, load.ExpectedTotals(), reading.Token);
        Report(load, timeline, probe, victim.Name, loadEnded, differences.Count);

        Assert.True(acknowledgedBeforeKill < shape.TotalBatches,
            $"The load was over before the kill ({acknowledgedBeforeKill} of {shape.TotalBatches} batches acknowledged): nothing was tested.");
        Assert.False(victim.IsRunning, $"{victim.Name} is still running after SIGKILL.");
        Assert.All(cluster.Silos.Where(s => s != victim).Append(cluster.Gateway),
            app => Assert.True(app.IsRunning, $"{app.Name} exited during the test.{Environment.NewLine}{app.Log.Tail(100)}"));
        Assert.True(load.GivenUp.Count == 0,
            $"{load.GivenUp.Count} batches were never acknowledged within {shape.GiveUpAfter.TotalSeconds:0}s of retries "
            + $"(last errors: {string.Join(" | ", timeline.SampleErrors())}).{Environment.NewLine}{cluster.Logs()}");
        AcknowledgementsAssert.EveryEventAccountedFor(load);
        Assert.True(differences.Count == 0,
            $"{differences.Count} customer counters differ from the acknowledged events:{Environment.NewLine}"
            + string.Join(Environment.NewLine, differences.Take(30)) + Environment.NewLine + cluster.Logs());

        // The archivers the dead silo held run again on the others (ArchiveTicker): the outbox empties, and every write is in a blob once.
        using var archiving = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var archive = new ArchiveReader(cluster.Storage.ConnectionString, cluster.ServiceId);
        await archive.WaitUntilCaughtUpAsync(TimeSpan.FromSeconds(30), archiving.Token);
        var acknowledged = load.Acknowledged.SelectMany(a => a.Batch.Events).GroupBy(e => e.CustomerId)
            .ToDictionary(customer => customer.Key, customer => (IReadOnlyCollection<string>)customer.Select(e => e.Id).Distinct().ToList());
        var archived = await archive.EntriesAsync(load.CustomerIds, archiving.Token);
        await ArchiveAssert.EveryWriteOnceAsync(client, archived, customer => acknowledged.GetValueOrDefault(customer) ?? [],
            customer => acknowledged.GetValueOrDefault(customer)?.Count ?? 0, archiving.Token);
        output.WriteLine($"{archived.Values.Sum(entries => entries.Count)} writes of {archived.Count} customers archived once each");
    }

    private void Report(EventLoad load, FaultTimeline timeline, FailoverProbe probe, string victim, TimeSpan loadEnded, int differences)
    {
        output.WriteLine($"errors after the kill ({timeline.ErrorsAfterFault.Count}):");
        foreach (var line in timeline.Describe())
        {
            output.WriteLine(line);
        }

        ResultFile.Append(output, "silo-crash", string.Create(CultureInfo.InvariantCulture,
            $"3 silos, SIGKILL {victim} at {Format(timeline.FaultAt)}; every probe customer served again after "
            + $"{Format(probe.ServedAgainAfter(timeline.FaultAt))} ({probe.Requests} probe requests, {probe.Failures} not 202); first 202 after the kill +{Format(timeline.FirstAcknowledgement - timeline.FaultAt)}, "
            + $"longest time without any 202 {Format(timeline.LongestSilence)}, slowest answer {Format(timeline.SlowestAnswer)}; "
            + $"errors after the kill from +{Format(timeline.FirstError - timeline.FaultAt)} to +{Format(timeline.LastError - timeline.FaultAt)} "
            + $"(window {Format(timeline.ErrorWindow)}: {timeline.ErrorSummary()}); errors before the kill {timeline.ErrorsBeforeFault}; "
            + $"batches {load.Acknowledged.Count}/{load.Shape.TotalBatches} acknowledged, {load.Acknowledged.Count(a => a.Tries > 1)} after retries, "
            + $"{load.GivenUp.Count} given up; {load.Acknowledged.Sum(a => a.Batch.Events.Count)} events acknowledged, "
            + $"{load.Acknowledged.Sum(a => a.Answer.Duplicates)} duplicates on retry; {differences} counter differences; load {Format(loadEnded)}"));
    }
}
