using System.Globalization;
using System.Text.Json;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Tests;

/// <summary>
/// The benchmark suite's machinery, run for two seconds per target: the load generator, as a process, against the
/// no-op reference app and the real gateway in memory, and the member index benchmark with 20,000 announcements. It
/// checks what a result says, never how fast anything was.
/// </summary>
public sealed class SuiteSmokeTests(ITestOutputHelper output)
{
    private const string ProducerKey = "smoke-producer-key-0001";

    [Fact]
    public async Task The_load_generator_measures_the_noop_reference()
    {
        var dll = LoadGeneratorProcess.Built(Path.Combine(RepoPaths.Root, "tests", "ProfileGrid.Benchmarks.Noop"), "ProfileGrid.Benchmarks.Noop");
        await using var noop = new AppProcess("noop", dll, new Dictionary<string, string>());
        await noop.StartAsync(timeout: TimeSpan.FromSeconds(60));

        var result = await RunAsync(noop, "--batch", "10", "--customers", "50", "--zipf", "1.1");

        Assert.Equal(10, result.GetProperty("batch").GetInt32());
        Assert.Equal(result.GetProperty("requests").GetInt64() * 10, result.GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task The_load_generator_measures_the_gateway_in_memory_after_a_history_preload()
    {
        await using var gateway = await StartGatewayAsync();

        var result = await RunAsync(gateway, "--batch", "1", "--customers", "1", "--preload", "2500");

        var preload = result.GetProperty("preload");
        Assert.Equal(2500, preload.GetProperty("events").GetInt64());
        Assert.Equal(0, preload.GetProperty("errors").GetInt64());
        Assert.Equal(result.GetProperty("requests").GetInt64(), result.GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task The_load_generator_sends_through_the_producer_client_and_counts_what_its_meter_reports()
    {
        await using var gateway = await StartGatewayAsync();

        var result = await RunAsync(gateway, "--via", "client", "--batch", "50", "--customers", "200");

        // Every batch the client sent is a request; every event it queued was answered (the phase ends with a flush).
        Assert.Contains("ProfileGrid.Client", result.GetProperty("target").GetString(), StringComparison.Ordinal);
        Assert.True(result.GetProperty("events").GetInt64() >= result.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task A_target_pid_that_names_no_process_stops_the_load_generator_before_it_sends()
    {
        // A process id past the kernel's largest (pid_max is at most 2^22) names no process.
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => LoadGeneratorProcess.RunAsync(
            "--url", "http://127.0.0.1:9", "--duration", "1", "--warmup", "0", "--quiet", "--target-pid", "4194305"));

        Assert.Contains("exited with 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--target-pid 4194305: no such process.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_member_index_benchmark_counts_every_announcement_and_answers_every_check()
    {
        var dll = LoadGeneratorProcess.Built(Path.Combine(RepoPaths.Root, "tests", "ProfileGrid.Benchmarks.Members"), "ProfileGrid.Benchmarks.Members");

        // The tool exits non-zero when the shards count other than 20,000 members or a check answers wrongly.
        var section = await LoadGeneratorProcess.RunDllAsync(dll, TimeSpan.FromMinutes(3), "--count", "20000", "--pages", "20", "--checks", "200");
        output.WriteLine(section);

        Assert.Contains("| members counted after (the shards' `Count`, from their directories) | 20,000 |", section, StringComparison.Ordinal);
        Assert.Contains("(200 checks, 0 wrong answers)", section, StringComparison.Ordinal);
        Assert.Contains("| member page of 100 (20 pages, 2,000 members read) |", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_storage_benchmark_writes_through_both_storages_and_reports_their_bytes()
    {
        var dll = LoadGeneratorProcess.Built(Path.Combine(RepoPaths.Root, "tests", "ProfileGrid.Benchmarks.Storage"), "ProfileGrid.Benchmarks.Storage");

        var section = await LoadGeneratorProcess.RunDllAsync(dll, TimeSpan.FromMinutes(2), "--customers", "20", "--writes", "3", "--concurrency", "4");
        output.WriteLine(section);

        var rows = section.Split('\n').Where(line => line.StartsWith("| Orleans'", StringComparison.Ordinal) || line.StartsWith("| journal", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Contains("| 60 |", row, StringComparison.Ordinal));
    }

    /// <summary>The gateway in memory, with the smoke's producer key.</summary>
    private static async Task<AppProcess> StartGatewayAsync()
    {
        var gateway = new AppProcess("gateway", RepoPaths.GatewayDll, new Dictionary<string, string>
        {
            ["ProfileGrid__Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__ApiKeys__0__Key"] = ProducerKey,
            ["ProfileGrid__ApiKeys__0__Name"] = "smoke",
            ["ProfileGrid__ApiKeys__0__Role"] = "producer",
        });
        await gateway.StartAsync(timeout: TimeSpan.FromSeconds(60));
        return gateway;
    }

    /// <summary>Runs the load generator for 2 s against <paramref name="target"/> and checks the result is whole and clean.</summary>
    private async Task<JsonElement> RunAsync(AppProcess target, params string[] load)
    {
        var stdout = await LoadGeneratorProcess.RunAsync([
            "--url", target.BaseAddress.ToString(), "--key", ProducerKey, "--duration", "2", "--warmup", "0",
            "--concurrency", "2", "--customer-prefix", "smoke-", "--target-pid", target.ProcessId!.Value.ToString(CultureInfo.InvariantCulture),
            "--quiet", .. load]);
        output.WriteLine(stdout);

        var result = JsonDocument.Parse(stdout).RootElement.Clone();
        Assert.True(result.GetProperty("events").GetInt64() > 0, "no event was accepted");
        Assert.True(result.GetProperty("requests").GetInt64() > 0, "no request was answered");
        Assert.Equal(0, result.GetProperty("errorCount").GetInt64());
        Assert.Empty(result.GetProperty("errors").EnumerateObject());
        Assert.Equal(0, result.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, result.GetProperty("rejected").GetInt64());
        Assert.True(result.GetProperty("eventsPerSecond").GetDouble() > 0);
        var latency = result.GetProperty("latencyMs");
        Assert.Equal(result.GetProperty("requests").GetInt64(), latency.GetProperty("count").GetInt64());
        Assert.All(["p50", "p95", "p99", "max"], name => Assert.True(latency.GetProperty(name).GetDouble() > 0, name));
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("max").GetDouble());
        Assert.Equal(12, result.GetProperty("percentiles").GetArrayLength());

        // The target's CPU over the measured phase, and per event: the figure the suite compares targets by.
        var cpu = result.GetProperty("targetCpuSeconds").GetDouble();
        Assert.True(cpu > 0, "the target spent no CPU on the run");
        var most = result.GetProperty("durationSeconds").GetDouble() * Environment.ProcessorCount + 0.1; // every core, all the time, and a tick's slack
        Assert.True(cpu <= most, $"the target spent {cpu} CPU seconds, more than {most} s can hold");
        var perEvent = cpu * 1e6 / result.GetProperty("events").GetInt64();
        Assert.Equal(Math.Round(perEvent, 3), result.GetProperty("targetCpuMicrosecondsPerEvent").GetDouble(), 3);
        Assert.True(result.GetProperty("generatorCpuSeconds").GetDouble() > 0, "the load generator spent no CPU on the run");
        return result;
    }
}
