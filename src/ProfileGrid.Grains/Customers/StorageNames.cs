namespace ProfileGrid.Customers;

/// <summary>The grain storage providers the grains use; hosts register providers under these names.</summary>
public static class StorageNames
{
    public const string Customers = "customers";
}
