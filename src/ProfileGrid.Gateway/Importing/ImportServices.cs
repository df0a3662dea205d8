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

            // The account whose tables hold the grid: its connection string names the blob endpoint (Azurite's too), or
            // the blob twin of its table service URI with DefaultAzureCredential.
            return new BlobImportStaging(storage.CreateBlobServiceClient());
        });
        services.AddSingleton<ImportRunner>();
        services.AddHostedService(provider => provider.GetRequiredService<ImportRunner>());
        return services;
    }
}
