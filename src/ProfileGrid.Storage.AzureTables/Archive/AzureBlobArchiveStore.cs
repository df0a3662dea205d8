using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Orleans;
using Orleans.Runtime;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Storage.AzureTables.Archive;

/// <summary>
/// The archive as block blobs in one container: each created with <c>If-None-Match: *</c>, so a blob written once is
/// never overwritten and a second write of the same name reports that it exists.
/// </summary>
public sealed class AzureBlobArchiveStore(BlobContainerClient container) : IArchiveStore, ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AzureBlobArchiveStore), ServiceLifecycleStage.ApplicationServices, async cancellationToken => await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));

    private const string TagMetadata = "tag";

    /// <summary>The tag goes in the blob's metadata; a blob that exists answers 409 and its metadata gives the tag back.</summary>
    public async Task<string?> TryCreateAsync(string name, ReadOnlyMemory<byte> content, string tag, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(
                BinaryData.FromBytes(content),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, Metadata = new Dictionary<string, string> { [TagMetadata] = tag } },
                cancellationToken);
            return null;
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(TagMetadata, out var stored) ? stored : "";
        }
    }

    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            yield return blob.Name;
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        await container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
}
