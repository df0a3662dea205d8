namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

public sealed class VisitCounterGrain(
    [PersistentState("profile", SiloHostingTests.StorageName)] IPersistentState<ProfileState> profile) : Grain, IVisitCounterGrain
{
    public async Task<int> Visit()
    {
        profile.State.Visits++;
        await profile.WriteStateAsync();
        return profile.State.Visits;
    }

    public Task<int> GetVisits() => Task.FromResult(profile.State.Visits);

    public Task Forget() => profile.ClearStateAsync();
}
