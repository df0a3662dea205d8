using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Importing;

/// <summary>Durable storage's staging: blobs in the container <see cref="Container"/> of the configured account.</summary>
internal sealed class BlobImportStaging(BlobServiceClient blobs) : ImportStaging
{
    public const string Container = "imports";

    // Blocks of 4 MiB, two at a time: an upload holds at most that much in memory, whatever the file's size.
    private static readonly StorageTransferOptions Transfer = new() { InitialTransferSize = 4 << 20, MaximumTransferSize = 4 << 20, MaximumConcurrency = 2 };

    public override async Task<StagedUpload> StageAsync(Stream body, string producer, CancellationToken cancellation)
    {
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellation);
        var blob = container.GetBlobClient($"uploads/{Guid.NewGuid():N}");
        using var hashing = new HashingStream(body, producer);
        try
        {
            await blob.UploadAsync(hashing, new BlobUploadOptions { TransferOptions = Transfer }, cancellation);
        }
        catch
        {
            await blob.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            throw;
        }

        return new StagedUpload(blob.Name, hashing.Bytes, hashing.Id());
    }

    public override async Task<Stream> OpenAsync(ImportSource source, CancellationToken cancellation)
    {
        var blob = source.Staged ? blobs.GetBlobContainerClient(Container).GetBlobClient(source.Location) : BlobOf(new Uri(source.Location))!;
        return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 << 20 }, cancellation);
    }

    public override async Task DeleteAsync(string location, CancellationToken cancellation) =>
        await blobs.GetBlobContainerClient(Container).GetBlobClient(location).DeleteIfExistsAsync(cancellationToken: cancellation);

    public override async Task<(ImportSource? Source, string? Id, string? Problem)> FindBlobAsync(Uri url, string producer, ImportFormat? format, CancellationToken cancellation)
    {
        if (BlobOf(url) is not { } blob) return (null, null, $"url must name a blob of this deployment's storage account ({blobs.Uri}), not '{url}'.");
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellation);
            var etag = properties.Value.ETag.ToString();
            var id = ImportIds.ForBlob(producer, url, etag);
            return (new ImportSource(blob.Uri.ToString(), Staged: false, format ?? FormatOf(blob.Name), producer, properties.Value.ContentLength, blob.Uri.ToString()), id, null);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return (null, null, $"url names no blob: '{url.GetLeftPart(UriPartial.Path)}' does not exist.");
        }
    }

    /// <summary>The blob <paramref name="url"/> names if it is one of the configured account's, else null.</summary>
    private BlobClient? BlobOf(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme != blobs.Uri.Scheme || !string.Equals(url.Authority, blobs.Uri.Authority, StringComparison.OrdinalIgnoreCase)) return null;
        var parts = new BlobUriBuilder(url);
        if (!string.Equals(parts.AccountName, blobs.AccountName, StringComparison.Ordinal) || string.IsNullOrEmpty(parts.BlobContainerName) || string.IsNullOrEmpty(parts.BlobName))
            return null;
        return blobs.GetBlobContainerClient(parts.BlobContainerName).GetBlobClient(parts.BlobName);
    }

    /// <summary>A read-through stream that hashes (and counts) what the upload takes from the request body.</summary>
    private sealed class HashingStream(Stream inner, string producer) : Stream
    {
        private readonly System.Security.Cryptography.IncrementalHash _hash = ImportIds.Begin(producer);

        public long Bytes { get; private set; }

        public string Id() => ImportIds.Finish(_hash);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            _hash.AppendData(buffer.Span[..read]);
            Bytes += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            _hash.AppendData(buffer, offset, read);
            Bytes += read;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Bytes; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
