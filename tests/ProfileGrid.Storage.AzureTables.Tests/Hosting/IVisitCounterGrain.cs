namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

[Alias("ProfileGrid.Storage.AzureTables.Tests.IVisitCounterGrain")]
public interface IVisitCounterGrain : IGrainWithStringKey
{
    [Alias("Visit")]
    Task<int> Visit();

    [Alias("GetVisits")]
    Task<int> GetVisits();

    [Alias("Forget")]
    Task Forget();
}
