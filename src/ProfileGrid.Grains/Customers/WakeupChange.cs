namespace ProfileGrid.Customers;

/// <summary>
/// The customer was registered in the wake-up schedule at this instant (UTC ticks), or unregistered (0); and the
/// registration it replaced after that one's instant passed (<paramref name="PassedTicks"/>, 0 for none), which the
/// scheduler may not have taken yet; and a registration on its way (<paramref name="IntendedTicks"/>, 0 for none),
/// stored before its bucket holds the customer.
/// </summary>
[GenerateSerializer, Alias("pg.WakeupChange")]
public sealed record WakeupChange([property: Id(0)] long WakeupTicks, DateTimeOffset At, [property: Id(1)] long PassedTicks = 0, [property: Id(2)] long IntendedTicks = 0) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) =>
        (state.WakeupTicks, state.PassedWakeupTicks, state.IntendedWakeupTicks) = (WakeupTicks, PassedTicks, IntendedTicks);
}
