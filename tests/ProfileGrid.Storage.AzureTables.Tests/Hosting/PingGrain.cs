namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> Ping() => Task.FromResult(1);
}
