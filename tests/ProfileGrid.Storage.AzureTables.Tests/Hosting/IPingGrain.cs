namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

[Alias("ProfileGrid.Storage.AzureTables.Tests.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<int> Ping();
}
