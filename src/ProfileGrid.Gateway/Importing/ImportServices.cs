using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using ProfileGrid.Hosting;
using ProfileGrid.Settings;

namespace ProfileGrid.Gateway.Importing;

/// <summary>The import services of a gateway: staging on the deployment's storage, the share-of-capacity limiter and the runner.</summary>
internal static class ImportServices
{
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddCheckedOptions<ImportOptions>();
        services.AddSingleton<ImportLimiter>();
        services.AddSingleton<ImportStaging>(provider =>
        {
            var storage = provider.GetRequiredService<IOptions<ProfileGridStorageOptions>>().Value;
            if (!storage.IsDurable)
            {
                var folder = provider.GetRequiredService<IOptions<ImportOptions>>().Value.StagingPath
                    ?? Path.Combine(Path.GetTempPath(), "profilegrid-imports", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return new FileImportStaging(folder);
            }

            return new BlobImportStaging(BlobServiceOf(storage));
        });
        services.AddSingleton<ImportRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<ImportRunner>());
        return services;
    }

    /// <summary>
    /// The blob service of the account whose tables hold the grid: by its connection string (which names the blob
    /// endpoint, Azurite's too), or by the table service URI's blob twin with <c>DefaultAzureCredential</c>.
    /// </summary>
    private static BlobServiceClient BlobServiceOf(ProfileGridStorageOptions storage)
    {
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString)) return new BlobServiceClient(storage.ConnectionString);
        var tables = storage.ServiceUri!;
        var blobs = new UriBuilder(tables) { Host = tables.Host.Replace(".table.", ".blob.", StringComparison.OrdinalIgnoreCase) }.Uri;
        return new BlobServiceClient(blobs, new DefaultAzureCredential());
    }
}
