namespace ProfileGrid.Benchmarks.Memory;

public sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task Touch() => Task.CompletedTask;
}
