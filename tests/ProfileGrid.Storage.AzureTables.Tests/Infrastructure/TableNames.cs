namespace ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

internal static class TableNames
{
    /// <summary>A table name no other test uses.</summary>
    public static string Fresh(string prefix) => $"{prefix}{Guid.NewGuid():N}";
}
