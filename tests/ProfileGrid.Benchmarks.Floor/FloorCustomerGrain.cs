namespace ProfileGrid.Benchmarks.Floor;

/// <summary>One tiny state write per call, whatever the number of events: the least a durable customer grain does.</summary>
public sealed class FloorCustomerGrain([PersistentState("customer", FloorStorage.Name)] IPersistentState<FloorState> state)
    : Grain, IFloorCustomerGrain
{
    public async Task<int> ApplyAsync(FloorEvent[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        state.State.Events += events.Length;
        await state.WriteStateAsync();
        return events.Length;
    }
}
