using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using ProfileGrid.Settings;
using ProfileGrid.Storage.AzureTables.Journals;

namespace ProfileGrid.Hosting;

/// <summary>
/// The section <c>ProfileGrid:Storage</c>: where grain state and cluster membership live. A connection string
/// (Azurite's or an account's), or a table service URI reached with <c>DefaultAzureCredential</c> (managed identity,
/// no keys); with neither, memory storage, which keeps nothing across a restart.
/// </summary>
public sealed class ProfileGridStorageOptions : ICheckedOptions
{
    public const string Section = "ProfileGrid:Storage";

    public static string SectionPath => Section;

    public string? ConnectionString { get; set; }

    public Uri? ServiceUri { get; set; }

    /// <summary>
    /// The blob service of the same account (the archive), reached with <c>DefaultAzureCredential</c>; when not set,
    /// derived from <see cref="ServiceUri"/> (<c>.table.</c> becomes <c>.blob.</c>). A connection string names its
    /// blob endpoint itself (<c>BlobEndpoint=</c>, or the account's default).
    /// </summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>
    /// Partitions the customer journals spread over (<see cref="AzureTableJournalStorageOptions.PartitionCount"/>);
    /// the provider's default when not set. Fixed for a deployment: changing it moves every customer's row.
    /// </summary>
    public int? PartitionCount { get; set; }

    /// <summary>
    /// Requests the customer journals keep in flight at once (<see cref="AzureTableJournalStorageOptions.MaxConcurrentRequests"/>);
    /// the provider's default when not set.
    /// </summary>
    public int? MaxConcurrentRequests { get; set; }

    public bool IsDurable => !string.IsNullOrWhiteSpace(ConnectionString) || ServiceUri is not null;

    /// <summary>True for storage on this machine (Azurite), where silos cluster on loopback too.</summary>
    public bool IsLocal =>
        !IsDurable
        || (ConnectionString is { } connection && (connection.Contains("127.0.0.1", StringComparison.Ordinal)
            || connection.Contains("localhost", StringComparison.OrdinalIgnoreCase)
            || connection.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)))
        || ServiceUri is { IsLoopback: true };

    /// <summary>
    /// A client of the account's table service, for Orleans' providers (membership, small grains' state) and the
    /// storage health check: by connection string, or by service URI with <c>DefaultAzureCredential</c>.
    /// </summary>
    public TableServiceClient CreateTableServiceClient(TableClientOptions? clientOptions = null)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString)) return new TableServiceClient(ConnectionString, clientOptions);
        var serviceUri = ServiceUri ?? throw new InvalidOperationException("Memory storage has no table service: set ConnectionString or ServiceUri.");
        return new TableServiceClient(serviceUri, new DefaultAzureCredential(), clientOptions);
    }

    /// <summary>A client of the account's blob service (the archive): by connection string, or by blob service URI with <c>DefaultAzureCredential</c>.</summary>
    public BlobServiceClient CreateBlobServiceClient()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString)) return new BlobServiceClient(ConnectionString);
        return new BlobServiceClient(BlobEndpoint ?? throw new InvalidOperationException(
            $"{Section}:{nameof(BlobServiceUri)} is not set and cannot be derived from {nameof(ServiceUri)} '{ServiceUri}' (no '.table.' in its host): set it for the archive."),
            new DefaultAzureCredential());
    }

    /// <summary><see cref="BlobServiceUri"/>, or the blob endpoint of <see cref="ServiceUri"/>'s account; null when neither says.</summary>
    public Uri? BlobEndpoint => BlobServiceUri ?? (ServiceUri is { } table && table.Host.Contains(".table.", StringComparison.OrdinalIgnoreCase)
        ? new UriBuilder(table) { Host = table.Host.Replace(".table.", ".blob.", StringComparison.OrdinalIgnoreCase) }.Uri
        : null);

    public void ApplyTo(AzureTableJournalStorageOptions options)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString)) options.ConfigureTableServiceClient(ConnectionString);
        else if (ServiceUri is not null) options.ConfigureTableServiceClient(ServiceUri, new DefaultAzureCredential());
        if (PartitionCount is { } partitions) options.PartitionCount = partitions;
        if (MaxConcurrentRequests is { } requests) options.MaxConcurrentRequests = requests;
    }

    public IEnumerable<string> Problems()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString) && ServiceUri is not null) yield return "ConnectionString and ServiceUri must not both be set: one account, reached one way.";
        if (ServiceUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
            yield return $"ServiceUri must be an absolute https address (http only on loopback), not '{uri}'.";
        if (BlobServiceUri is { } blob && (!blob.IsAbsoluteUri || (blob.Scheme != Uri.UriSchemeHttps && !(blob.Scheme == Uri.UriSchemeHttp && blob.IsLoopback))))
            yield return $"BlobServiceUri must be an absolute https address (http only on loopback), not '{blob}'.";
        if (PartitionCount is { } partitions && CheckedOptions.Within(nameof(PartitionCount), partitions, 1, AzureTableJournalStorageOptions.MaxPartitionCount) is { } partitionProblem)
            yield return partitionProblem;
        if (MaxConcurrentRequests is { } requests && CheckedOptions.Within(nameof(MaxConcurrentRequests), requests, 1, 10_000) is { } requestProblem)
            yield return requestProblem;
    }
}
