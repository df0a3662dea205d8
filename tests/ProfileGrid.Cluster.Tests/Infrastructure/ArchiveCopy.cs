using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ProfileGrid.Archive;
using ProfileGrid.Storage.AzureTables.Archive;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// Gives a fresh storage account a cluster's archive: every blob of the archive container (with its tag) and every row
/// of the archive key table, and nothing else: the journals and every other table stay empty, as after losing them.
/// </summary>
internal static class ArchiveCopy
{
    /// <summary>Copies; returns the blobs and keys copied.</summary>
    public static async Task<(int Blobs, int Keys)> CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        var source = new BlobContainerClient(from, ArchiveOptions.DefaultContainerName);
        var target = new BlobContainerClient(to, ArchiveOptions.DefaultContainerName);
        await target.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var names = new List<string>();
        await foreach (var blob in source.GetBlobsAsync(cancellationToken: cancellationToken)) names.Add(blob.Name);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (name, token) =>
        {
            var content = (await source.GetBlobClient(name).DownloadContentAsync(token)).Value;
            await target.GetBlobClient(name).UploadAsync(content.Content, new BlobUploadOptions { Metadata = content.Details.Metadata }, token);
        });

        var keys = new TableClient(to, AzureTableArchiveKeys.DefaultTableName);
        await keys.CreateIfNotExistsAsync(cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(from, AzureTableArchiveKeys.DefaultTableName).QueryAsync<TableEntity>(cancellationToken: cancellationToken)) rows.Add(row);
        foreach (var partition in rows.GroupBy(row => row.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await keys.SubmitTransactionAsync(chunk.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), cancellationToken);
            }
        }

        return (names.Count, rows.Count);
    }
}
