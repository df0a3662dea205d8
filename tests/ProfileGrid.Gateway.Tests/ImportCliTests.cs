using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using ProfileGrid.Testing;
using static ProfileGrid.Gateway.Tests.GatewayFixture;

namespace ProfileGrid.Gateway.Tests;

/// <summary>
/// <c>profilegrid import FILE</c> (src/ProfileGrid.Cli) run as a process against a gateway on a real port: it streams
/// the file, follows the import to its end and prints the report; run again, it names the same import and counts nothing twice.
/// </summary>
public sealed class ImportCliTests(KestrelGatewayFixture gateway) : IClassFixture<KestrelGatewayFixture>
{
    [Fact]
    public async Task The_cli_imports_a_file_reports_it_and_a_second_run_counts_nothing_twice()
    {
        var ann = NewCustomerId();
        var file = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.ndjson");
        var lines = Enumerable.Range(1, 300).Select(i => $$"""{"id":"cli-{{i}}","type":"purchase","customerId":"{{ann}}","value":2}""").Append("not json");
        await File.WriteAllLinesAsync(file, lines);
        try
        {
            var (code, output) = await RunCliAsync("import", file, "--gateway", gateway.BaseAddress.ToString(), "--api-key", AdminKey);
            var (againCode, againOutput) = await RunCliAsync("import", file, "--gateway", gateway.BaseAddress.ToString(), "--api-key", AdminKey);

            Assert.True(code == 0, output);
            Assert.Contains("started", output, StringComparison.Ordinal);
            Assert.Matches(@"lines read\s*│\s*301", output);
            Assert.Matches(@"applied\s*│\s*300", output);
            Assert.Matches(@"rejected\s*│\s*1", output);
            Assert.Contains("/rejected", output, StringComparison.Ordinal);
            Assert.True(againCode == 0, againOutput);
            Assert.Contains("was posted before", againOutput, StringComparison.Ordinal);
            var profile = await ApiAssertJson(await gateway.Http(AgentKey).GetAsync($"/v1/customers/{ann}"));
            Assert.Equal(300, (int)profile["counters"]!["purchase"]!["total"]!["count"]!);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_failed_import_or_a_refused_one_exits_non_zero()
    {
        var file = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.csv.gz");
        await using (var gzip = new GZipStream(File.Create(file), CompressionLevel.Fastest))
            await gzip.WriteAsync(Encoding.UTF8.GetBytes($"id,type,customerId,colour\nx,purchase,{NewCustomerId()},red\n"));
        try
        {
            var (failed, output) = await RunCliAsync("import", file, "--gateway", gateway.BaseAddress.ToString(), "--api-key", AdminKey);
            var (refused, refusedOutput) = await RunCliAsync("import", file, "--gateway", gateway.BaseAddress.ToString(), "--api-key", ProducerKey);

            Assert.True(failed == 1, output);
            Assert.Contains("failed", output, StringComparison.Ordinal);
            Assert.Contains("colour", output, StringComparison.Ordinal);
            Assert.True(refused == 2, refusedOutput);
            Assert.Contains("403", refusedOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> ApiAssertJson(HttpResponseMessage response) =>
        await ApiAssert.Json(response, HttpStatusCode.OK);

    private static async Task<(int ExitCode, string Output)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.AppDll("ProfileGrid.Cli"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // A wide console, so that the report's rows are not wrapped.
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}
