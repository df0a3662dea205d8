namespace ProfileGrid.Benchmarks.Floor;

[Alias("floor.customer")]
public interface IFloorCustomerGrain : IGrainWithStringKey
{
    /// <summary>Counts the events and writes the state once; returns how many were applied.</summary>
    [Alias("apply")]
    Task<int> ApplyAsync(FloorEvent[] events);
}
