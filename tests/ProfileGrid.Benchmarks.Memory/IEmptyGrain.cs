namespace ProfileGrid.Benchmarks.Memory;

/// <summary>The memory probe's reference: a grain with no state and no services, so its activation costs only what Orleans itself keeps.</summary>
[Alias("pg.bench.IEmptyGrain")]
public interface IEmptyGrain : IGrainWithStringKey
{
    [Alias("Touch")]
    Task Touch();
}
