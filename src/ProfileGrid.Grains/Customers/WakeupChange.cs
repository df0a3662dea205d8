namespace ProfileGrid.Customers;

/// <summary>The customer was registered in the wake-up schedule at this instant (UTC ticks), or unregistered (0).</summary>
[GenerateSerializer, Alias("pg.WakeupChange")]
public sealed record WakeupChange([property: Id(0)] long WakeupTicks, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.WakeupTicks = WakeupTicks;
}
