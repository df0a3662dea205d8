using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ProfileGrid.Testing;

namespace ProfileGrid.Deployment.Tests;

/// <summary>
/// The newcomer's first command: <c>./scripts/run.sh --demo --urls URL</c> starts the gateway at that address and
/// the demo producer sending to it (the producer used to send to the default port whatever address was given).
/// </summary>
[Collection(DashboardBuildCollection.Name)]
public sealed class RunScriptTests(ITestOutputHelper output)
{
    private const string DevAgentKey = "dev-agent-key-0001";

    [Fact]
    public async Task The_demo_producer_sends_to_the_address_given()
    {
        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in new[] { Path.Combine("scripts", "run.sh"), "--memory", "--demo", "--urls", url }) start.ArgumentList.Add(arg);
        // The co-hosted silo on ports of its own, so that it never meets another test's.
        start.Environment["ProfileGrid__Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        using var script = Process.Start(start)!;
        script.OutputDataReceived += (_, e) => Log("out", e.Data);
        script.ErrorDataReceived += (_, e) => Log("err", e.Data);
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Add("X-Api-Key", DevAgentKey);
            // The script builds what it runs (a no-op after the solution's build), starts the gateway, and the producer
            // 8 s later: a hot customer of the demo's has events within a few seconds of that.
            var events = await Eventually.Async(() => EventsOfAsync(http, "cust-0001", script), count => count > 0,
                $"the demo producer's events reached the gateway at {url}", TimeSpan.FromMinutes(4));
            Assert.True(events > 0);
        }
        finally
        {
            if (!script.HasExited) script.Kill(entireProcessTree: true);
            await script.WaitForExitAsync();
        }
    }

    /// <summary>The events the customer holds (its counters' totals), 0 while the gateway or the customer is not there yet.</summary>
    private static async Task<long> EventsOfAsync(HttpClient http, string customer, Process script)
    {
        if (script.HasExited) throw new InvalidOperationException($"run.sh exited with {script.ExitCode}.");
        try
        {
            using var response = await http.GetAsync(new Uri($"/v1/customers/{customer}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.OK) return 0;
            using var profile = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return profile.RootElement.GetProperty("counters").EnumerateObject().Sum(counter => counter.Value.GetProperty("total").GetProperty("count").GetInt64());
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    private void Log(string stream, string? line)
    {
        if (line is null) return;
        try
        {
            output.WriteLine($"run.sh {stream}: {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has ended: the script's last lines as it is stopped.
        }
    }
}

/// <summary>Tests that build the agent dashboard into the gateway's wwwroot (a publish, run.sh): one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardBuildCollection
{
    public const string Name = "Dashboard builds";
}
