using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using ProfileGrid.Cluster.Tests.Infrastructure;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// A bulk import on Azurite survives its gateway's crash: the gateway process is killed mid-import, restarted, and the
/// same file posted again; the import resumes from its checkpoint, names the same id, and every customer ends with
/// exactly the file's counts (events with and without ids), nothing counted twice; its staged copy is deleted. Then a
/// blob of the account is imported by URL.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ImportCrashTests(ITestOutputHelper output)
{
    private const int Customers = 1_000;
    private const int EventsPerCustomer = 40;
    private const int Lines = Customers * EventsPerCustomer;

    [Fact]
    public async Task An_import_interrupted_by_a_gateway_crash_resumes_and_counts_every_event_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // Paced, so that the crash falls mid-import; windows of 8,000 lines, so that each customer gets 8 events a write (at
        // 2,000 lines, 2: four times the writes, which took a minute on Azurite); short leases, so that the restarted
        // gateway takes over soon.
        await using var cluster = await ProfileGridCluster.StartAsync("import-crash", siloCount: 1, output, timeout.Token, new Dictionary<string, string>
        {
            ["ProfileGrid__Imports__MaxEventsPerSecond"] = "5000",
            ["ProfileGrid__Imports__WindowLines"] = "8000",
            ["ProfileGrid__Imports__Lease"] = "00:00:03",
            ["ProfileGrid__Imports__ScanInterval"] = "00:00:01",
        });
        var file = ImportFile.Create(cluster.ClusterId, Customers, EventsPerCustomer);
        using var http = cluster.CreateClient(TimeSpan.FromSeconds(60));

        var posted = await ImportApi.PostAsync(http, file);
        var id = posted.GetProperty("id").GetString()!;
        var before = await ImportApi.WaitAsync(http, id, status => status.GetProperty("linesRead").GetInt64() >= 6_000, timeout.Token);
        cluster.Gateway.Kill();
        output.WriteLine($"killed the gateway at {before.GetProperty("linesRead").GetInt64()} lines");
        Assert.Equal("running", before.GetProperty("state").GetString());

        await cluster.Gateway.StartAsync(waitForReady: true, TimeSpan.FromSeconds(90), timeout.Token);
        var again = await ImportApi.PostAsync(http, file);
        var done = await ImportApi.WaitAsync(http, id, status => status.GetProperty("state").GetString() != "running", timeout.Token);
        output.WriteLine($"after the restart: {done}");

        Assert.Equal((id, false), (again.GetProperty("id").GetString(), again.GetProperty("created").GetBoolean()));
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal((long)Lines, done.GetProperty("linesRead").GetInt64());
        Assert.Equal(0, done.GetProperty("rejected").GetInt64());
        // A resumed window re-applies what the crash left unconfirmed: those events count as duplicates, not twice.
        Assert.Equal((long)Lines, done.GetProperty("applied").GetInt64() + done.GetProperty("duplicates").GetInt64());
        Assert.True(done.GetProperty("runs").GetInt32() >= 2, $"runs: {done.GetProperty("runs").GetInt32()}");

        var wrong = await ImportApi.WrongCountsAsync(http, file, timeout.Token);
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong.Take(20)));

        var blobs = new BlobServiceClient(cluster.Storage.ConnectionString);
        var left = new List<string>();
        await foreach (var blob in blobs.GetBlobContainerClient("imports").GetBlobsAsync(cancellationToken: timeout.Token)) left.Add(blob.Name);
        Assert.Empty(left);

        // A blob of the account is imported in place, named by its URL and ETag; a URL elsewhere is refused.
        var exports = blobs.GetBlobContainerClient("exports");
        await exports.CreateIfNotExistsAsync(cancellationToken: timeout.Token);
        var export = exports.GetBlobClient("late.csv");
        var late = $"{cluster.ClusterId}-late";
        await export.UploadAsync(BinaryData.FromString($"id,type,customerId,value\nl1,purchase,{late},5\nl2,purchase,{late},7\n"), timeout.Token);
        var byUrl = await PostUrlAsync(http, export.Uri.ToString(), HttpStatusCode.Accepted);
        var urlDone = await ImportApi.WaitAsync(http, byUrl.GetProperty("id").GetString()!, status => status.GetProperty("state").GetString() != "running", timeout.Token);
        var urlAgain = await PostUrlAsync(http, export.Uri.ToString(), HttpStatusCode.Accepted);
        var elsewhere = await PostUrlAsync(http, "https://someone-else.blob.core.windows.net/exports/late.csv", HttpStatusCode.BadRequest);

        Assert.Equal(("done", "csv", 2L, 2L), (urlDone.GetProperty("state").GetString(), urlDone.GetProperty("format").GetString(),
            urlDone.GetProperty("linesRead").GetInt64(), urlDone.GetProperty("applied").GetInt64()));
        Assert.Equal((byUrl.GetProperty("id").GetString(), false), (urlAgain.GetProperty("id").GetString(), urlAgain.GetProperty("created").GetBoolean()));
        Assert.Equal("url", elsewhere.GetProperty("field").GetString());
        using var lateProfile = JsonDocument.Parse(await http.GetStringAsync($"/v1/customers/{late}", timeout.Token));
        Assert.Equal(12m, lateProfile.RootElement.GetProperty("counters").GetProperty("purchase").GetProperty("total").GetProperty("sum").GetDecimal());
        Assert.True(await export.ExistsAsync(timeout.Token), "a blob imported by URL is its owner's: the import leaves it");
    }

    private static async Task<JsonElement> PostUrlAsync(HttpClient http, string url, HttpStatusCode expected)
    {
        using var response = await http.PostAsync("/v1/imports", new StringContent(JsonSerializer.Serialize(new { url }), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
