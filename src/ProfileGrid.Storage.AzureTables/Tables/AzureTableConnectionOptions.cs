using Azure.Core;
using Azure.Data.Tables;

namespace ProfileGrid.Storage.AzureTables.Tables;

/// <summary>Where a provider's table lives: a connection string, or a service URI with a token credential.</summary>
public abstract class AzureTableConnectionOptions
{
    /// <summary>A storage connection string (Azurite, or an account key). Leave empty when using <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service endpoint, e.g. <c>https://account.table.core.windows.net/</c>.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Credential for <see cref="ServiceUri"/>; <c>DefaultAzureCredential</c> when not set.</summary>
    public TokenCredential? TokenCredential { get; set; }

    /// <summary>Retry, transport and diagnostics settings for the table client.</summary>
    public TableClientOptions? ClientOptions { get; set; }

    /// <summary>The table that holds this provider's rows.</summary>
    public abstract string TableName { get; set; }

    /// <summary>Use a connection string.</summary>
    public void ConfigureTableServiceClient(string connectionString) => ConnectionString = connectionString;

    /// <summary>Use a service URI and a token credential (managed identity in Azure).</summary>
    public void ConfigureTableServiceClient(Uri serviceUri, TokenCredential? tokenCredential = null)
    {
        ServiceUri = serviceUri;
        TokenCredential = tokenCredential;
    }
}
