using System.Globalization;
using ProfileGrid.Cluster.Tests.Infrastructure;
using static ProfileGrid.Cluster.Tests.Infrastructure.Seconds;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// Storage (Azurite) goes away under load and comes back on the same port with its data: the gateway answers 503
/// meanwhile, acknowledges nothing it then loses, and recovers without any process being restarted.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    // Down for 5 s; longer only while waiting for the first 503 (storage retries hold a request for a few seconds).
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongestOutage = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_storage_outage_loses_no_acknowledged_event_and_recovers_by_itself()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = await ProfileGridCluster.StartAsync("storage-outage", siloCount: 2, output, startup.Token);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2.5));
        var processes = cluster.Silos.Append(cluster.Gateway).ToDictionary(app => app.Name, app => app.ProcessId);
        // A producer more patient than the gateway: with the same 10 s timeout on both sides, a write queued behind a
        // failing table request (two rounds of the SDK's retries, about 11 s) raced the gateway's own 10 s timeout,
        // and the producer gave up in the same instant the gateway answered 503, so the 503 went unseen.
        var shape = new LoadShape { RequestTimeout = TimeSpan.FromSeconds(30) };
        using var client = cluster.CreateClient(TimeSpan.FromMinutes(1));
        var load = new EventLoad(client, cluster.ClusterId, shape);

        var run = load.RunAsync(deadline.Token);
        await load.WaitForAcknowledgedAsync(shape.TotalBatches / 3, run, deadline.Token);
        var acknowledgedBeforeStop = load.Acknowledged.Count;
        var stopping = load.Now;
        await cluster.Storage.StopAsync();
        var stopped = load.Now;
        await Task.Delay(Outage, deadline.Token);
        while (load.Now - stopped < LongestOutage && !load.Attempts.Any(a => a.Status == 503 && a.Answered >= stopping))
        {
            await Task.Delay(100, deadline.Token);
        }

        var restarting = load.Now;
        await cluster.Storage.StartAsync(deadline.Token);
        var restarted = load.Now;
        await run;
        var loadEnded = load.Now;

        var timeline = new FaultTimeline(load.Attempts, stopping);
        var unavailableWhileDown = timeline.Count(503, stopping, restarting);
        var acknowledgedWhileDown = load.Attempts.Count(a => a.Acknowledged && a.Sent >= stopped && a.Answered <= restarting);
        var firstAcknowledgement = timeline.FirstAcknowledgementSentAfter(restarted);
        using var reading = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var differences = await ProfileReader.CompareAsync(client, load.ExpectedTotals(), reading.Token);

        output.WriteLine($"errors after the stop ({timeline.ErrorsAfterFault.Count}):");
        foreach (var line in timeline.Describe())
        {
            output.WriteLine(line);
        }

        ResultFile.Append(output, "storage-outage", string.Create(CultureInfo.InvariantCulture,
            $"2 silos, Azurite stopped at {Format(stopping)} (gone at {Format(stopped)}), down {Format(restarting - stopped)}, "
            + $"back at {Format(restarted)}; first 503 +{Format(timeline.FirstError - stopping)} after the stop, {unavailableWhileDown} × 503 while down, "
            + $"{acknowledgedWhileDown} × 202 sent and answered while down; last error {Format(timeline.LastError - restarted)} after the restart "
            + $"({timeline.ErrorSummary()}); recovery: first 202 for a request sent after the restart +{Format(firstAcknowledgement - restarted)}, "
            + $"longest time without any 202 {Format(timeline.LongestSilence)}, slowest answer {Format(timeline.SlowestAnswer)}; "
            + $"errors before the stop {timeline.ErrorsBeforeFault}; batches {load.Acknowledged.Count}/{shape.TotalBatches} acknowledged, "
            + $"{load.Acknowledged.Count(a => a.Tries > 1)} after retries, {load.GivenUp.Count} given up; "
            + $"{load.Acknowledged.Sum(a => a.Batch.Events.Count)} events acknowledged, {load.Acknowledged.Sum(a => a.Answer.Duplicates)} duplicates on retry; "
            + $"{differences.Count} counter differences; load {Format(loadEnded)}"));

        Assert.True(acknowledgedBeforeStop < shape.TotalBatches,
            $"The load was over before the outage ({acknowledgedBeforeStop} of {shape.TotalBatches} batches acknowledged): nothing was tested.");
        Assert.All(cluster.Silos.Append(cluster.Gateway), app => Assert.True(app.IsRunning && app.ProcessId == processes[app.Name],
            $"{app.Name} exited or was restarted during the test.{Environment.NewLine}{app.Log.Tail(100)}"));
        Assert.True(unavailableWhileDown > 0,
            $"No 503 was answered while storage was down ({Format(stopping)} to {Format(restarting)}); errors seen: {timeline.ErrorSummary()}."
            + Environment.NewLine + cluster.Logs());
        Assert.True(firstAcknowledgement - restarted <= RecoveryLimit,
            $"No batch sent after storage came back ({Format(restarted)}) was acknowledged within {RecoveryLimit.TotalSeconds:0}s "
            + $"(first: {Format(firstAcknowledgement)}; last errors: {string.Join(" | ", timeline.SampleErrors())}).{Environment.NewLine}{cluster.Logs()}");
        Assert.True(load.GivenUp.Count == 0,
            $"{load.GivenUp.Count} batches were never acknowledged within {shape.GiveUpAfter.TotalSeconds:0}s of retries "
            + $"(last errors: {string.Join(" | ", timeline.SampleErrors())}).{Environment.NewLine}{cluster.Logs()}");
        AcknowledgementsAssert.EveryEventAccountedFor(load);
        Assert.True(differences.Count == 0,
            $"{differences.Count} customer counters differ from the acknowledged events:{Environment.NewLine}"
            + string.Join(Environment.NewLine, differences.Take(30)) + Environment.NewLine + cluster.Logs());
        foreach (var app in cluster.Silos.Append(cluster.Gateway))
        {
            await app.WaitForAsync("readyz", RecoveryLimit, reading.Token);
        }
    }
}
