namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

[GenerateSerializer]
[Alias("ProfileGrid.Storage.AzureTables.Tests.ProfileState")]
public sealed class ProfileState
{
    [Id(1)]
    public int Visits { get; set; }
}
