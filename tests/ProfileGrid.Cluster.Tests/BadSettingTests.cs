using System.Diagnostics;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// A gateway or silo process given a setting out of range stops before it starts anything, and says so in one line on
/// standard error that names the setting, its range and the value given: no stack trace, no abort that names nothing
/// (a negative <c>ProfileGrid:Realtime:RenewPeriod</c> used to end the gateway with SIGABRT).
/// </summary>
public sealed class BadSettingTests(ITestOutputHelper output)
{
    /// <summary><c>StartupChecks.BadSettingExitCode</c>: EX_CONFIG of sysexits.h.</summary>
    private const int BadSettingExitCode = 78;

    [Fact]
    public async Task A_negative_renewal_period_stops_the_gateway_with_one_line_naming_it()
    {
        var (exitCode, stdout, stderr) = await RunAsync(RepoPaths.GatewayDll, ("ProfileGrid__Realtime__RenewPeriod", "-00:00:05"));

        Assert.Equal(BadSettingExitCode, exitCode);
        Assert.Equal(["ProfileGrid cannot start: ProfileGrid:Realtime:RenewPeriod must be 100 ms to 30 s, not -00:00:05."], stderr);
        Assert.DoesNotContain(stdout, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Problems_in_several_sections_are_one_line_naming_each()
    {
        var (exitCode, _, stderr) = await RunAsync(RepoPaths.GatewayDll,
            ("ProfileGrid__Wakeups__TickPeriod", "00:01:00"), ("ProfileGrid__Value__MinPaceDays", "0"), ("ProfileGrid__Segments__Members__PageMembers", "2"));

        Assert.Equal(BadSettingExitCode, exitCode);
        var line = Assert.Single(stderr);
        Assert.StartsWith("ProfileGrid cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("ProfileGrid:Wakeups:TickPeriod must be 10 ms to 30 s, not 00:01:00.", line, StringComparison.Ordinal);
        Assert.Contains("ProfileGrid:Value:MinPaceDays must be 1 to 36600, not 0.", line, StringComparison.Ordinal);
        Assert.Contains("ProfileGrid:Segments:Members:PageMembers must be 4 to 1000000, not 2.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_is_not_a_duration_is_named_too()
    {
        var (exitCode, _, stderr) = await RunAsync(RepoPaths.GatewayDll, ("ProfileGrid__Realtime__RolloverPeriod", "soon"));

        Assert.Equal(BadSettingExitCode, exitCode);
        Assert.Equal(["ProfileGrid cannot start: Failed to convert configuration value 'soon' at 'ProfileGrid:Realtime:RolloverPeriod' to type 'System.TimeSpan'."], stderr);
    }

    [Fact]
    public async Task A_silo_with_a_port_out_of_range_stops_with_one_line_naming_it()
    {
        var (exitCode, _, stderr) = await RunAsync(RepoPaths.SiloDll, ("ProfileGrid__Silo__SiloPort", "70000"));

        Assert.Equal(BadSettingExitCode, exitCode);
        Assert.Equal(["ProfileGrid cannot start: ProfileGrid:Silo:SiloPort must be 1 to 65535, not 70000."], stderr);
    }

    [Fact]
    public async Task A_gateway_joining_a_cluster_checks_its_storage_before_it_connects()
    {
        var (exitCode, _, stderr) = await RunAsync(RepoPaths.GatewayDll,
            ("ProfileGrid__Cluster__Mode", "Client"), ("ProfileGrid__Storage__ServiceUri", "http://account.table.core.windows.net/"));

        Assert.Equal(BadSettingExitCode, exitCode);
        Assert.Equal(["ProfileGrid cannot start: ProfileGrid:Storage:ServiceUri must be an absolute https address (http only on loopback), not 'http://account.table.core.windows.net/'."], stderr);
    }

    private async Task<(int ExitCode, List<string> Stdout, List<string> Stderr)> RunAsync(string dll, params (string Name, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        // Were the setting let through, the process would start: on a port no one else uses, and only for the timeout.
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ProfileGrid__Silo__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} did not stop within 60 s: {await stdout}");
        }

        var (outLines, errLines) = (Lines(await stdout), Lines(await stderr));
        foreach (var line in outLines) output.WriteLine($"stdout: {line}");
        foreach (var line in errLines) output.WriteLine($"stderr: {line}");
        return (process.ExitCode, outLines, errLines);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r'))];
}
