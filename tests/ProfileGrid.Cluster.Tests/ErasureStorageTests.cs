using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.IO.Compression;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ProfileGrid.Cluster.Tests.Infrastructure;

namespace ProfileGrid.Cluster.Tests;

/// <summary>
/// GDPR erasure against real storage: after <c>DELETE /v1/customers/{id}</c>, no row of any table in the storage
/// account holds anything of the customer's data (every property scanned, payloads decompressed; the journal, the
/// identifier index, the segment member sets and every other table), only the tombstone; no blob of the archive
/// (decompressed) holds it in clear either, before or after, and its archive key is gone (crypto-shredding).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ErasureStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_erasure_no_table_holds_anything_of_the_customer()
    {
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var cluster = await ProfileGridCluster.StartAsync("erasure", siloCount: 1, output, startup.Token);
        using var http = cluster.CreateClient(TimeSpan.FromSeconds(30));
        var customer = cluster.ClusterId + "-ann";
        // The phone without its '+', which JSON text may hold escaped.
        string[] personal = ["Ann Lee", "ann.lee@example.com", "4512345678", "erasure-event-one", "gift-wrap-for-ann"];
        using (var segment = await http.PutAsJsonAsync(new Uri("v1/segments/buyers", UriKind.Relative), new { rule = "purchase.total >= 1" }))
        {
            Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        }

        // Every silo evaluates a definition at each write within the catalog's freshness.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await Post(http, customer, "erasure-event-one", "gift-wrap-for-ann");
        await Post(http, customer, "erasure-event-two", "gift-wrap-for-ann");
        using (var traits = await http.PatchAsJsonAsync(new Uri($"v1/customers/{customer}/traits", UriKind.Relative),
            new Dictionary<string, string> { ["name"] = "Ann Lee", ["email"] = "ann.lee@example.com", ["phone"] = "+4512345678" }))
        {
            Assert.Equal(HttpStatusCode.OK, traits.StatusCode);
        }

        await Post(http, customer, "erasure-event-three", "gift-wrap-for-ann");

        // The customer is a member of the segment, which its shard stores by customer id.
        await WaitForMembersAsync(http, customer, member: true);
        // Every write archived: the outbox rows are gone and the archive holds blobs.
        await WaitForArchiveAsync(cluster.Storage.ConnectionString);
        // The scan sees the data while it is stored, in whatever form the journal holds it (snapshot or entries).
        var before = await ScanAsync(cluster.Storage.ConnectionString, [.. personal, customer]);
        Assert.Contains(before[customer], place => place.StartsWith("ProfileGridSegmentMembers ", StringComparison.Ordinal));
        // The archive key's row names the customer; the archive itself names no one and holds nothing in clear.
        Assert.Contains(before[customer], place => place.StartsWith("ProfileGridArchiveKeys ", StringComparison.Ordinal));
        Assert.DoesNotContain(before.SelectMany(found => found.Value), place => place.StartsWith("blob ", StringComparison.Ordinal));
        Assert.All(personal, text => Assert.True(before.ContainsKey(text), $"The scan did not find '{text}' before the erasure: it cannot see the data."));
        // The identifier index holds the email and the phone too (the customer can be looked up by them), in Orleans' grain state table.
        Assert.Contains(before["ann.lee@example.com"], place => place.StartsWith("OrleansGrainState ", StringComparison.Ordinal));
        Assert.Contains(before["4512345678"], place => place.StartsWith("OrleansGrainState ", StringComparison.Ordinal));

        using (var erase = await http.DeleteAsync(new Uri($"v1/customers/{customer}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);
        }

        // A producer's late retry is refused and brings nothing back.
        await Post(http, customer, "erasure-event-one", "gift-wrap-for-ann", expectAccepted: 0);
        await WaitForMembersAsync(http, customer, member: false);
        var after = await ScanAsync(cluster.Storage.ConnectionString, personal);
        var membership = await ScanAsync(cluster.Storage.ConnectionString, [customer]);
        var tombstone = new List<TableEntity>();
        await foreach (var row in new TableClient(cluster.Storage.ConnectionString, "ProfileGridJournals").QueryAsync<TableEntity>(row => row.RowKey == customer))
        {
            tombstone.Add(row);
        }

        Assert.True(after.Count == 0, "Left in storage after the erasure: " + string.Join("; ", after.Select(a => $"'{a.Key}' in {string.Join(", ", a.Value)}")));
        Assert.Single(tombstone);
        // The id stays only as the tombstone's key: no segment member set holds it, not even in an earlier entry.
        Assert.DoesNotContain(membership.GetValueOrDefault(customer) ?? [], place => place.StartsWith("ProfileGridSegmentMembers ", StringComparison.Ordinal));
        Assert.DoesNotContain(membership.GetValueOrDefault(customer) ?? [], place => place.StartsWith("ProfileGridArchiveKeys ", StringComparison.Ordinal));
        using var profile = await http.GetAsync(new Uri($"v1/customers/{customer}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
    }

    private static async Task WaitForMembersAsync(HttpClient http, string customer, bool member)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var page = await http.GetStringAsync(new Uri("v1/segments/buyers/members?limit=1000", UriKind.Relative));
            if (page.Contains($"\"{customer}\"", StringComparison.Ordinal) == member) return;
            Assert.True(DateTime.UtcNow < deadline, $"The customer was {(member ? "not " : "")}in the segment's members within 30 s: {page}");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForArchiveAsync(string connectionString)
    {
        var journals = new TableClient(connectionString, "ProfileGridJournals");
        var container = new BlobServiceClient(connectionString).GetBlobContainerClient("profilegrid-archive");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var waiting = await journals.QueryAsync<TableEntity>(row => row.RowKey.CompareTo("!outbox!") >= 0 && row.RowKey.CompareTo("!outbox\"") < 0).AnyAsync();
            var blobs = await container.ExistsAsync() && await container.GetBlobsAsync().AnyAsync();
            if (!waiting && blobs) return;
            Assert.True(DateTime.UtcNow < deadline, $"The archive did not catch up within 30 s (outbox rows waiting: {waiting}, blobs: {blobs}).");
            await Task.Delay(200);
        }
    }

    private static async Task Post(HttpClient http, string customer, string id, string sku, int expectAccepted = 1)
    {
        using var response = await http.PostAsJsonAsync(new Uri("v1/events", UriKind.Relative),
            new { id, type = "purchase", customerId = customer, value = 12.5, channel = "web", properties = new { sku } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = EventsAnswer.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(expectAccepted, answer.Accepted);
    }

    /// <summary>Where each text occurs in any property of any row of any table: strings, and binary payloads decompressed.</summary>
    private static async Task<Dictionary<string, List<string>>> ScanAsync(string connectionString, string[] texts)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var service = new TableServiceClient(connectionString);
        await foreach (var table in service.QueryAsync())
        {
            await foreach (var row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach (var (name, value) in row)
                {
                    var bytes = value switch
                    {
                        string text => Encoding.UTF8.GetBytes(text),
                        byte[] binary => Readable(binary),
                        _ => null,
                    };
                    if (bytes is null) continue;
                    foreach (var text in texts)
                    {
                        if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0) continue;
                        if (!found.TryGetValue(text, out var places)) found[text] = places = [];
                        places.Add($"{table.Name} {row.PartitionKey}/{row.RowKey} {name}");
                    }
                }
            }
        }

        var blobs = new BlobServiceClient(connectionString);
        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                byte[] bytes = [.. content, .. Gunzipped(content)];
                foreach (var text in texts)
                {
                    if (bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0 && !blob.Name.Contains(text, StringComparison.Ordinal)) continue;
                    if (!found.TryGetValue(text, out var places)) found[text] = places = [];
                    places.Add($"blob {container.Name}/{blob.Name}");
                }
            }
        }

        return found;
    }

    private static byte[] Gunzipped(byte[] content)
    {
        if (content is not [0x1f, 0x8b, ..]) return [];
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var text = new MemoryStream();
        gzip.CopyTo(text);
        return text.ToArray();
    }

    /// <summary>A journal payload as its serializer wrote it: Zstandard-compressed ones (a leading 2 and a 4-byte length) inflated.</summary>
    private static byte[] Readable(byte[] payload)
    {
        if (payload.Length <= 5 || payload[0] != 2) return payload;
        try
        {
            using var decompressor = new ZstdSharp.Decompressor();
            return [.. payload, .. decompressor.Unwrap(payload.AsSpan(5)).ToArray()];
        }
        catch (ZstdSharp.ZstdException)
        {
            return payload;
        }
    }
}
