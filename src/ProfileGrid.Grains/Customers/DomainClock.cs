namespace ProfileGrid.Customers;

/// <summary>
/// The service key of the <see cref="TimeProvider"/> that grains read "now" from. It is keyed so that tests can
/// move the domain's time without also moving the clock Orleans itself runs its timers and membership on.
/// </summary>
public static class DomainClock
{
    public const string Key = "profilegrid";
}
