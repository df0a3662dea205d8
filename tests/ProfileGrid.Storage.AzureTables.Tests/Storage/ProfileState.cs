namespace ProfileGrid.Storage.AzureTables.Tests.Storage;

[GenerateSerializer]
[Alias("ProfileGrid.Storage.AzureTables.Tests.Storage.ProfileState")]
public sealed class ProfileState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public int Visits { get; set; }

    [Id(2)]
    public List<string> Tags { get; set; } = [];

    [Id(3)]
    public byte[] Blob { get; set; } = [];
}
