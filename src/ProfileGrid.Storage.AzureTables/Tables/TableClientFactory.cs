using Azure.Data.Tables;
using Azure.Identity;

namespace ProfileGrid.Storage.AzureTables.Tables;

/// <summary>Creates the table client that options describe: by connection string, or by service URI and credential.</summary>
public static class TableClientFactory
{
    public static TableClient Create(AzureTableConnectionOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new TableClient(options.ConnectionString, options.TableName, options.ClientOptions);
        }

        var serviceUri = options.ServiceUri
            ?? throw new InvalidOperationException("Set either ConnectionString or ServiceUri on the Azure Table options.");
        return new TableClient(serviceUri, options.TableName, options.TokenCredential ?? new DefaultAzureCredential(), options.ClientOptions);
    }
}
