using System.Security.Cryptography;
using ProfileGrid.Importing;

namespace ProfileGrid.Gateway.Importing;

/// <summary>
/// Where an uploaded file is kept while it is imported: streamed there once (constant memory) while its SHA-256 gives
/// the import its id, read from there by whichever gateway runs the import, deleted when it is done. Durable storage
/// stages in the account's blob container <c>imports</c> (<see cref="BlobImportStaging"/>), memory mode in a local
/// folder (<see cref="FileImportStaging"/>), which like memory mode itself keeps nothing across a restart.
/// </summary>
internal abstract class ImportStaging
{
    /// <summary>Streams <paramref name="body"/> into a new staged copy; returns its location, size and the import id.</summary>
    public abstract Task<StagedUpload> StageAsync(Stream body, string producer, CancellationToken cancellation);

    /// <summary>The file of an import, from its start.</summary>
    public abstract Task<Stream> OpenAsync(ImportSource source, CancellationToken cancellation);

    /// <summary>Deletes a staged copy (nothing if it is gone already).</summary>
    public abstract Task DeleteAsync(string location, CancellationToken cancellation);

    /// <summary>
    /// The blob at <paramref name="url"/> as an import source with its id (URL and ETag), or why it cannot be one: only
    /// blobs of the configured storage account are read.
    /// </summary>
    public abstract Task<(ImportSource? Source, string? Id, string? Problem)> FindBlobAsync(Uri url, string producer, ImportFormat? format, CancellationToken cancellation);

    /// <summary>Copies <paramref name="body"/> to <paramref name="target"/>, hashing what passes.</summary>
    protected static async Task<(string Id, long Bytes)> CopyHashingAsync(Stream body, Stream target, string producer, CancellationToken cancellation)
    {
        using var hash = ImportIds.Begin(producer);
        var buffer = new byte[81920];
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellation)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), cancellation);
            bytes += read;
        }

        return (ImportIds.Finish(hash), bytes);
    }

    /// <summary>The format a file's name says (<c>.csv</c> or <c>.csv.gz</c>: CSV; anything else NDJSON).</summary>
    public static ImportFormat FormatOf(string name) =>
        name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".csv.gz", StringComparison.OrdinalIgnoreCase) ? ImportFormat.Csv : ImportFormat.Ndjson;
}

/// <summary>A staged upload: where, how large, and the id its content and producer give the import.</summary>
internal sealed record StagedUpload(string Location, long Bytes, string Id);

/// <summary>Memory mode's staging: files in a local folder.</summary>
internal sealed class FileImportStaging(string folder) : ImportStaging
{
    public override async Task<StagedUpload> StageAsync(Stream body, string producer, CancellationToken cancellation)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.upload");
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            var (id, bytes) = await CopyHashingAsync(body, file, producer, cancellation);
            return new StagedUpload(path, bytes, id);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public override Task<Stream> OpenAsync(ImportSource source, CancellationToken cancellation) =>
        Task.FromResult<Stream>(new FileStream(source.Location, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));

    public override Task DeleteAsync(string location, CancellationToken cancellation)
    {
        File.Delete(location);
        return Task.CompletedTask;
    }

    public override Task<(ImportSource? Source, string? Id, string? Problem)> FindBlobAsync(Uri url, string producer, ImportFormat? format, CancellationToken cancellation) =>
        Task.FromResult<(ImportSource?, string?, string?)>((null, null, "Imports from a URL need durable storage: this gateway runs on memory storage, which has no blob container. Upload the file in the request body instead."));
}
