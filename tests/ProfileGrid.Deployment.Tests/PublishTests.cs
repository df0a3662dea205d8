using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ProfileGrid.Testing;

namespace ProfileGrid.Deployment.Tests;

/// <summary>
/// What azd builds an image from: <c>dotnet publish</c> of each service. The gateway's publish builds the agent
/// dashboard itself, and the published gateway, run alone, serves it.
/// </summary>
[Collection(DashboardBuildCollection.Name)]
public sealed partial class PublishTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_published_gateway_holds_a_fresh_dashboard_build_and_serves_it()
    {
        var started = DateTime.UtcNow;
        var published = await PublishAsync("ProfileGrid.Gateway");

        // The publish ran the dashboard build (it empties and rewrites wwwroot), and published what it wrote.
        var built = Path.Combine(RepoPaths.Root, "src", "ProfileGrid.Gateway", "wwwroot", "index.html");
        Assert.True(File.GetLastWriteTimeUtc(built) >= started.AddSeconds(-1), $"{built} was written at {File.GetLastWriteTimeUtc(built):O}, before the publish began at {started:O}");
        var index = await File.ReadAllTextAsync(Path.Combine(published, "wwwroot", "index.html"));
        Assert.Equal(await File.ReadAllTextAsync(built), index);
        var script = ScriptSource().Match(index);
        Assert.True(script.Success, index);

        await using var gateway = new AppProcess("published-gateway", Path.Combine(published, "ProfileGrid.Gateway.dll"), new Dictionary<string, string>
        {
            ["ProfileGrid__Silo__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Silo__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["ProfileGrid__Cluster__ClusterId"] = "publish-" + Guid.NewGuid().ToString("N")[..12],
            ["ProfileGrid__ApiKeys__0__Key"] = "publish-test-admin-key",
            ["ProfileGrid__ApiKeys__0__Name"] = "ops",
            ["ProfileGrid__ApiKeys__0__Role"] = "admin",
        });
        await gateway.StartAsync(timeout: TimeSpan.FromSeconds(90));
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };

        var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(index, await page.Content.ReadAsStringAsync());
        var asset = await http.GetAsync(new Uri(script.Groups["src"].Value, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_silo_publishes()
    {
        var published = await PublishAsync("ProfileGrid.Silo");

        Assert.True(File.Exists(Path.Combine(published, "ProfileGrid.Silo.dll")));
        Assert.True(File.Exists(Path.Combine(published, "appsettings.json")));
    }

    /// <summary>Publishes a project of src/ (the solution is built already) into a folder of its own.</summary>
    private async Task<string> PublishAsync(string project)
    {
        var target = Path.Combine(RepoPaths.TestResults, "publish", project + "-" + Guid.NewGuid().ToString("N")[..8]);
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(RepoPaths.Root, "src", project), "-c", RepoPaths.Configuration, "--no-build", "-o", target, "-nologo" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout + await stderr);
        Assert.True(process.ExitCode == 0, $"dotnet publish {project} exited with {process.ExitCode}: {await stdout}{await stderr}");
        return target;
    }

    [GeneratedRegex("""<script type="module" crossorigin src="(?<src>/assets/[^"]+\.js)">""")]
    private static partial Regex ScriptSource();
}
