using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Clustering;

/// <summary>Options of the membership table (silos) and the gateway list (clients); both read one table.</summary>
public sealed class AzureTableClusteringOptions : AzureTableConnectionOptions
{
    public const string DefaultTableName = "ProfileGridMembership";

    /// <inheritdoc />
    public override string TableName { get; set; } = DefaultTableName;
}
