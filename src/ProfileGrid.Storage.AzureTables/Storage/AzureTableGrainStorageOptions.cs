using Orleans;
using Orleans.Storage;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Storage;

/// <summary>Options of one named Azure Table grain storage provider.</summary>
public sealed class AzureTableGrainStorageOptions : AzureTableConnectionOptions, IStorageProviderSerializerOptions
{
    public const string DefaultTableName = "ProfileGridState";

    /// <inheritdoc />
    public override string TableName { get; set; } = DefaultTableName;

    /// <summary>Delete the row on clear (default); when false, clear writes an empty record instead.</summary>
    public bool DeleteStateOnClear { get; set; } = true;

    /// <summary>Silo lifecycle stage at which the table is created.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>Payload serializer; the Orleans binary serializer when not set.</summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
